// `berth` on the same core as the bot: check configs, render and plan stacks, see what runs where, read logs and
// release history, roll back and destroy. One file per command in cli/; the framework is cli/run-cli.ts.
// Exit codes: 0 ok, 1 problems or failure, 2 wrong usage. `berth --help` lists the commands.
import { runCli } from "./cli/run-cli.js";
import { COMMANDS } from "./cli/commands.js";

export async function cli(
  argv: string[],
  env: Record<string, string | undefined>,
  out: (line: string) => void = console.log,
  err: (line: string) => void = console.error,
): Promise<number> {
  return runCli(COMMANDS, argv, env, { out, err });
}
