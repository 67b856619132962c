// berth rollback: queue a redeploy of a recorded release; the running workers execute it like any deploy (same lock,
// same reports on GitHub). --wait follows the job to its end.
import { randomUUID } from "node:crypto";
import { userInfo } from "node:os";
import { rollbackTarget } from "../../core/release.js";
import { createReleaseStore } from "../../adapters/redis/releases.js";
import { createDeployQueue } from "../../queue/queue.js";
import { CliFailure, EXIT, UsageError, type CliCommand } from "./command.js";
import { redisEnvironmentNote } from "./common-options.js";
import { repositoryArgument } from "./deploy-target.js";
import { isBranchEnvironment, withRedis } from "./redis-access.js";

const WAIT_POLL_MS = 500;

export const rollbackCommand: CliCommand = {
  name: "rollback",
  summary: "queue a rollback of staging or production to a recorded release",
  usage: "rollback <owner/repo> <staging|production> [sha] [--wait] [--json]",
  details: [
    "Without a sha: the newest release of a different commit. The workers run it; exit 0 once queued, or with",
    "--wait once it is deployed (1 if it failed).",
    redisEnvironmentNote,
  ],
  options: { wait: { type: "boolean", description: "wait for the rollback to finish and print its outcome" } },
  positionals: { min: 2, max: 3 },
  async run(ctx) {
    const repository = repositoryArgument(ctx.positionals[0]);
    const environment = ctx.positionals[1];
    const sha = ctx.positionals[2];
    if (!isBranchEnvironment(environment))
      throw new UsageError(`environment must be staging or production, got ${environment}`);
    if (sha !== undefined && !/^[0-9a-f]{7,40}$/.test(sha))
      throw new UsageError(`sha must be 7 to 40 lower-case hex characters, got ${JSON.stringify(sha)}`);
    return withRedis(ctx.env, async (redis, prefix) => {
      const history = await createReleaseStore(redis, prefix).history(repository, environment);
      const target = rollbackTarget(history, { sha });
      if ("error" in target) throw new CliFailure(`cannot roll back ${repository} ${environment}: ${target.error}`);
      const queue = createDeployQueue({ connection: redis, prefix });
      try {
        const { jobId } = await queue.enqueue({
          kind: "deploy-environment",
          environment,
          repository,
          installationId: target.installationId,
          target: { kind: "release", releaseId: target.id, sha: target.sha },
          deliveryId: `cli-rollback-${randomUUID()}`,
          sender: `cli:${userInfo().username}`,
          receivedAt: Date.now(),
        });
        ctx.say(
          `queued rollback of ${repository} ${environment} to ${target.sha.slice(0, 12)} (release ${target.id}) as job ${jobId}`,
        );
        const queued = { repository, environment, sha: target.sha, release: target.id, job: jobId };
        if (ctx.values.wait !== true) {
          ctx.emit({ ok: true, ...queued, state: "queued" });
          return EXIT.ok;
        }
        for (;;) {
          const job = await queue.queue.getJob(jobId);
          const state = job ? await job.getState() : "missing";
          if (state === "completed") {
            const result = job!.returnvalue as { outcome: string; url?: string; reason?: string };
            ctx.say(
              `${result.outcome}${result.url ? ` ${result.url}` : ""}${result.reason ? `: ${result.reason}` : ""}`,
            );
            ctx.emit({ ok: result.outcome === "deployed", ...queued, state, result });
            return result.outcome === "deployed" ? EXIT.ok : EXIT.failure;
          }
          if (state === "failed" || state === "missing")
            throw new CliFailure(`rollback job ${state}${job?.failedReason ? `: ${job.failedReason}` : ""}`);
          await new Promise((r) => setTimeout(r, WAIT_POLL_MS));
        }
      } finally {
        await queue.close();
      }
    });
  },
};
