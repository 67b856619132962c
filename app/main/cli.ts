// berth CLI on the same core as the bot: check deploy configs and show the exact stack a PR would get, without
// touching GitHub or a Swarm.
//   berth validate [--config-dir deploy-configs]                 every config, problems as file:line:col
//   berth render <owner/repo> --pr N --sha SHA [--config-dir D] [--templates-dir T]
//   berth history <owner/repo> <staging|production>              releases kept in Redis (REDIS_URL, BERTH_QUEUE_PREFIX)
//   berth rollback <owner/repo> <staging|production> [sha] [--wait]  queue a redeploy of a recorded release
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { formatProblems, indexConfigs } from "../core/config/index.js";
import { renderStack } from "../core/render/index.js";
import { previewEnvironment } from "../core/environment.js";
import { createFileConfigSource } from "../adapters/config/file-config-source.js";
import { configProblemsFrom } from "../jobs/config-problems.js";
import { releaseCommand } from "./release-commands.js";
import { runAudit } from "./cli/audit-command.js";

const USAGE = `usage:
  berth validate [--config-dir DIR]
  berth render <owner/repo> --pr N --sha SHA [--config-dir DIR] [--templates-dir DIR]
  berth history <owner/repo> <staging|production>
  berth rollback <owner/repo> <staging|production> [sha] [--wait]
  berth audit [owner/repo] [--since 1h] [--environment E] [--limit N] [--json]`;

export async function cli(
  argv: string[],
  env: Record<string, string | undefined>,
  out = console.log,
  err = console.error,
): Promise<number> {
  if (argv[0] === "audit") return runAudit(argv.slice(1), { env, out, err });
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      "config-dir": { type: "string", default: "deploy-configs" },
      "templates-dir": { type: "string", default: "templates" },
      pr: { type: "string" },
      sha: { type: "string" },
      wait: { type: "boolean", default: false },
    },
  });
  const [command, repository] = positionals;
  const configDir = values["config-dir"]!;
  if (command === "history" || command === "rollback") {
    return releaseCommand(
      command,
      { repository, environment: positionals[2], sha: positionals[3], wait: values.wait! },
      env,
      out,
      err,
    );
  }
  if (command === "validate") {
    const names = (await readdir(configDir)).filter((n) => /\.ya?ml$/.test(n)).sort();
    const files = await Promise.all(
      names.map(async (n) => ({
        file: relative(process.cwd(), join(configDir, n)),
        text: await readFile(join(configDir, n), "utf8"),
      })),
    );
    const index = indexConfigs(files, env);
    const problems = [...index.unattributed, ...[...index.byRepository.values()].flatMap((e) => e.problems)];
    for (const [repo, entry] of index.byRepository) if (entry.problems.length === 0) out(`ok  ${entry.file} (${repo})`);
    if (problems.length > 0) err(formatProblems(problems));
    return problems.length > 0 ? 1 : 0;
  }
  if (command === "render" && repository && values.pr && values.sha) {
    const source = createFileConfigSource({ configDir, templatesDir: values["templates-dir"]!, variables: env });
    const entry = await source.forRepository(repository);
    if (!entry?.config || entry.problems.length > 0) {
      err(entry ? formatProblems(entry.problems) : `no deploy config in ${configDir} has repository: ${repository}`);
      return 1;
    }
    try {
      const template = await source.template(entry.config.template);
      const environment = previewEnvironment(entry.config.app, Number(values.pr));
      // The CLI never reads secret values: it shows where the deploy's content-hashed names go.
      const secrets = Object.fromEntries(
        Object.keys(entry.config.secrets ?? {}).map((n) => [n, `${environment.stack}_${n}_<content-hash>`]),
      );
      const rendered = renderStack({
        config: entry.config,
        templateFile: template.file,
        templateText: template.text,
        environment,
        sha: values.sha,
        secrets,
      });
      out(`# stack ${rendered.stack} → ${rendered.url} (probe ${rendered.probeUrl}), sha256 ${rendered.hash}`);
      out(rendered.yaml);
      return 0;
    } catch (e) {
      err(formatProblems(configProblemsFrom(e, entry.config.file)));
      return 1;
    }
  }
  err(USAGE);
  return 2;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exit(await cli(process.argv.slice(2), process.env));
}
