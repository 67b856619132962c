// berth validate: every deploy config in the directory, each problem as file:line:col path: what to fix.
import { relative } from "node:path";
import { formatProblems, indexConfigs } from "../../core/config/index.js";
import { CliFailure, EXIT, stringValue, type CliCommand } from "./command.js";
import { configDirOption } from "./common-options.js";
import { readConfigFiles } from "../../adapters/config/read-config-files.js";

export const validateCommand: CliCommand = {
  name: "validate",
  summary: "check every deploy config (schema, templates' rules, quotas); problems as file:line:col",
  usage: "validate [--config-dir DIR] [--json]",
  details: ["${VAR} references are filled from this process's environment, as the bot does."],
  options: { ...configDirOption },
  positionals: { min: 0, max: 0 },
  async run(ctx) {
    const dir = stringValue(ctx, "config-dir")!;
    let files;
    try {
      // Each file read at most just past the size limit; an unreadable one is its own problem.
      files = await readConfigFiles(dir, (path) => relative(process.cwd(), path));
    } catch (e) {
      throw new CliFailure(`cannot read ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const index = indexConfigs(files, ctx.env);
    const problems = [...index.unattributed, ...[...index.byRepository.values()].flatMap((e) => e.problems)];
    const valid = [...index.byRepository].filter(([, e]) => e.problems.length === 0);
    for (const [repo, entry] of valid) ctx.say(`ok  ${entry.file} (${repo})`);
    if (problems.length > 0 && !ctx.json) ctx.err(formatProblems(problems));
    ctx.emit({
      ok: problems.length === 0,
      configs: valid.map(([repository, e]) => ({ file: e.file, repository })),
      problems,
    });
    return problems.length > 0 ? EXIT.failure : EXIT.ok;
  },
};
