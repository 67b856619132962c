// berth render: the exact stack YAML an environment would get for a commit, and its URL. Touches no Swarm.
import { previewName } from "../../core/environment.js";
import { formatProblems } from "../../core/config/index.js";
import { isCommitSha } from "../../core/repository.js";
import { CliFailure, EXIT, UsageError, stringValue, type CliCommand } from "./command.js";
import { configDirOption, shaOption, templatesDirOption } from "./common-options.js";
import { environmentArgument, loadConfig, repositoryArgument } from "./deploy-target.js";
import { kvValuesForCli } from "./discovery-access.js";
import { RenderProblems, renderEnvironment, secretPlan } from "./render-environment.js";

export const renderCommand: CliCommand = {
  name: "render",
  summary: "print the stack YAML an environment would get for a commit, and its URL",
  usage: "render <owner/repo> [pr-N|staging|production] --sha SHA [--pr N] [--config-dir DIR] [--templates-dir DIR]",
  details: [
    "The environment is a positional (pr-12, staging, production) or --pr N. Secret values are never read: the",
    "stack shows where their content-hashed Swarm names go. Production renders the config's images (a real",
    "production deploy pins the images staging ran).",
  ],
  options: {
    ...shaOption,
    pr: { type: "string", value: "N", description: "render pull request N's preview (same as pr-N)" },
    ...configDirOption,
    ...templatesDirOption,
  },
  positionals: { min: 1, max: 2 },
  async run(ctx) {
    const repository = repositoryArgument(ctx.positionals[0]);
    const pr = stringValue(ctx, "pr");
    const named = ctx.positionals[1];
    if (pr !== undefined && named !== undefined) throw new UsageError("give either an environment or --pr, not both");
    if (pr !== undefined && !/^[1-9][0-9]{0,9}$/.test(pr)) throw new UsageError(`--pr must be a PR number, got ${pr}`);
    const sha = stringValue(ctx, "sha");
    if (sha === undefined) throw new UsageError("--sha is required");
    if (pr === undefined && named === undefined)
      throw new UsageError("which environment? give pr-N, staging, production or --pr N");
    if (!isCommitSha(sha))
      throw new CliFailure(`--sha must be 40 lower-case hex characters, got ${JSON.stringify(sha)}`);
    const { config, source } = await loadConfig(ctx, repository);
    const environment = environmentArgument(config, pr !== undefined ? previewName(Number(pr)) : named);
    const secrets = await secretPlan(config, environment, ctx.env, false);
    const kv = await kvValuesForCli(ctx.env, source, config, environment);
    try {
      const rendered = await renderEnvironment({
        config,
        source,
        environment,
        sha,
        secrets: secrets.names,
        ...(kv ? { kv } : {}),
      });
      ctx.say(`# stack ${rendered.stack} → ${rendered.url} (probe ${rendered.probeUrl}), sha256 ${rendered.hash}`);
      ctx.say(rendered.yaml);
      ctx.emit({
        ok: true,
        repository,
        environment: environment.name,
        stack: rendered.stack,
        url: rendered.url,
        probeUrl: rendered.probeUrl,
        sha256: rendered.hash,
        yaml: rendered.yaml,
      });
      return EXIT.ok;
    } catch (e) {
      if (!(e instanceof RenderProblems)) throw e;
      ctx.emit({ ok: false, problems: e.problems });
      ctx.err(formatProblems(e.problems));
      return EXIT.failure;
    }
  },
};
