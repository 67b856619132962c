// berth destroy: remove one environment from the Swarm now — stack, network, volumes, secrets — under the same
// per-environment lock the workers take, so it never races a deploy. GitHub is not written to.
import { createEnvironmentLock } from "../../queue/environment-lock.js";
import { scopeKey } from "../../queue/keys.js";
import { CliFailure, EXIT, UsageError, type CliCommand } from "./command.js";
import { configDirOption, redisEnvironmentNote, sshEnvironmentNote } from "./common-options.js";
import { environmentArgument, loadConfig, repositoryArgument, withSwarm } from "./deploy-target.js";
import { withRedis } from "./redis-access.js";

const REMOVE_TIMEOUT_MS = 180_000;

export const destroyCommand: CliCommand = {
  name: "destroy",
  summary: "remove an environment's stack, network, volumes and secrets from the Swarm (needs --yes)",
  usage: "destroy <owner/repo> <pr-N|staging|production> --yes [--config-dir DIR] [--json]",
  details: [
    "Waits until Swarm has really dropped the containers and the network. Refused (exit 1) while a worker holds",
    "the environment's lock. GitHub is not told: a PR's /destroy or closing it reports there; a push redeploys.",
    redisEnvironmentNote,
    sshEnvironmentNote,
  ],
  options: { yes: { type: "boolean", description: "confirm: really remove it" }, ...configDirOption },
  positionals: { min: 2, max: 2 },
  async run(ctx) {
    const repository = repositoryArgument(ctx.positionals[0]);
    const { config } = await loadConfig(ctx, repository);
    const environment = environmentArgument(config, ctx.positionals[1]);
    if (ctx.values.yes !== true)
      throw new UsageError(`destroy removes ${environment.stack} and its data; add --yes to confirm`);
    return withRedis(ctx.env, async (redis, prefix) => {
      const lock = createEnvironmentLock(redis, prefix);
      // Same key the worker serialises jobs on (jobs/job-data.ts environmentKey).
      const key = scopeKey(repository, environment.name);
      const token = await lock.acquire(
        key,
        { jobId: "cli-destroy", sha: "", kind: "cli-destroy" },
        REMOVE_TIMEOUT_MS + 60_000,
      );
      if (!token) {
        const holder = await lock.inspect(key);
        throw new CliFailure(
          `${environment.name} is busy: job ${holder?.jobId ?? "?"} (${holder?.kind ?? "?"}) holds it since ` +
            `${holder ? new Date(holder.since).toISOString() : "?"}; try again when it is done`,
        );
      }
      try {
        const started = Date.now();
        const { existed, removedVolumes } = await withSwarm(config, async (swarm) => {
          const services = await swarm.stackServices(environment.stack);
          const removed = await swarm.removeStack(environment.stack, { deadline: started + REMOVE_TIMEOUT_MS });
          return { existed: services.length > 0, ...removed };
        });
        const ms = Date.now() - started;
        ctx.say(
          existed
            ? `removed ${environment.stack} (${repository} ${environment.name}) in ${(ms / 1000).toFixed(1)} s` +
                `${removedVolumes.length ? `; volumes ${removedVolumes.join(", ")}` : ""}`
            : `${environment.stack} was not on the Swarm; nothing left of it`,
        );
        ctx.emit({
          ok: true,
          repository,
          environment: environment.name,
          stack: environment.stack,
          existed,
          removedVolumes,
          ms,
        });
        return EXIT.ok;
      } finally {
        await lock.release(key, token);
      }
    });
  },
};
