// berth history: the releases Berth kept for a branch environment (newest first; * marks the current one).
import { releaseLine } from "../../core/release.js";
import { createReleaseStore } from "../../adapters/redis/releases.js";
import { EXIT, UsageError, type CliCommand } from "./command.js";
import { redisEnvironmentNote } from "./common-options.js";
import { repositoryArgument } from "./deploy-target.js";
import { isBranchEnvironment, withRedis } from "./redis-access.js";

export const historyCommand: CliCommand = {
  name: "history",
  summary: "list the releases kept for staging or production (newest first, * = current)",
  usage: "history <owner/repo> <staging|production> [--json]",
  details: [redisEnvironmentNote],
  positionals: { min: 2, max: 2 },
  async run(ctx) {
    const repository = repositoryArgument(ctx.positionals[0]);
    const environment = ctx.positionals[1];
    if (!isBranchEnvironment(environment))
      throw new UsageError(`environment must be staging or production, got ${environment}`);
    const history = await withRedis(ctx.env, (redis, prefix) =>
      createReleaseStore(redis, prefix).history(repository, environment),
    );
    if (history.length === 0) ctx.say(`no releases of ${repository} ${environment} recorded`);
    history.forEach((r, i) => ctx.say(`${i === 0 ? "*" : " "} ${releaseLine(r)}`));
    // The rendered stack is the release's payload for rollbacks; scripts get its hash, not the whole YAML.
    ctx.emit({ ok: true, repository, environment, releases: history.map(({ yaml: _yaml, ...r }) => r) });
    return EXIT.ok;
  },
};
