// Every `berth` command, in the order `berth --help` lists them. A new command is a file in this directory that
// exports a CliCommand (see command.ts) and one line here.
import type { CliCommand } from "./command.js";
import { validateCommand } from "./validate-command.js";
import { renderCommand } from "./render-command.js";
import { planCommand } from "./plan-command.js";
import { statusCommand } from "./status-command.js";
import { logsCommand } from "./logs-command.js";
import { historyCommand } from "./history-command.js";
import { rollbackCommand } from "./rollback-command.js";
import { destroyCommand } from "./destroy-command.js";
import { auditCommand } from "./audit-command.js";
import { discoveryCommand } from "./discovery-command.js";

export const COMMANDS: readonly CliCommand[] = [
  validateCommand,
  renderCommand,
  planCommand,
  statusCommand,
  logsCommand,
  historyCommand,
  rollbackCommand,
  destroyCommand,
  auditCommand,
  discoveryCommand,
];
