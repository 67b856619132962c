// berth history / berth rollback: read the release history Berth keeps in Redis, and queue a rollback job that the
// running worker executes like any deploy (same lock, same reports on GitHub).
//   berth history <owner/repo> <staging|production>
//   berth rollback <owner/repo> <staging|production> [sha] [--wait]
import { randomUUID } from "node:crypto";
import { userInfo } from "node:os";
import { createRedis } from "../adapters/redis/connection.js";
import { createReleaseStore } from "../adapters/redis/releases.js";
import { createDeployQueue } from "../queue/queue.js";
import { releaseLine, rollbackTarget } from "../core/release.js";
import { isRepositoryName } from "../core/repository.js";

const ENVIRONMENTS = new Set(["staging", "production"]);

export async function releaseCommand(
  command: "history" | "rollback",
  args: { repository?: string; environment?: string; sha?: string; wait: boolean },
  env: Record<string, string | undefined>,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const { repository, environment } = args;
  if (!repository || !isRepositoryName(repository) || !environment || !ENVIRONMENTS.has(environment)) {
    err(`usage: berth ${command} <owner/repo> <staging|production>${command === "rollback" ? " [sha] [--wait]" : ""}`);
    return 2;
  }
  if (args.sha !== undefined && !/^[0-9a-f]{7,40}$/.test(args.sha)) {
    err(`sha must be 7 to 40 lower-case hex characters, got ${JSON.stringify(args.sha)}`);
    return 2;
  }
  const redis = createRedis(env.REDIS_URL ?? "redis://127.0.0.1:6379");
  const prefix = env.BERTH_QUEUE_PREFIX ?? "berth";
  try {
    const history = await createReleaseStore(redis, prefix).history(repository, environment);
    if (command === "history") {
      if (history.length === 0) out(`no releases of ${repository} ${environment} recorded (prefix ${prefix})`);
      history.forEach((r, i) => out(`${i === 0 ? "*" : " "} ${releaseLine(r)}`));
      return 0;
    }
    const target = rollbackTarget(history, { sha: args.sha });
    if ("error" in target) {
      err(`cannot roll back ${repository} ${environment}: ${target.error}`);
      return 1;
    }
    const queue = createDeployQueue({ connection: redis, prefix });
    try {
      const { jobId } = await queue.enqueue({
        kind: "deploy-environment",
        environment: environment as "staging" | "production",
        repository,
        installationId: target.installationId,
        target: { kind: "release", releaseId: target.id, sha: target.sha },
        deliveryId: `cli-rollback-${randomUUID()}`,
        sender: `cli:${userInfo().username}`,
        receivedAt: Date.now(),
      });
      out(
        `queued rollback of ${repository} ${environment} to ${target.sha.slice(0, 12)} (release ${target.id}) as job ${jobId}`,
      );
      if (!args.wait) return 0;
      for (;;) {
        const job = await queue.queue.getJob(jobId);
        const state = job ? await job.getState() : "missing";
        if (state === "completed") {
          const result = job!.returnvalue as { outcome: string; url?: string; reason?: string };
          out(`${result.outcome}${result.url ? ` ${result.url}` : ""}${result.reason ? `: ${result.reason}` : ""}`);
          return result.outcome === "deployed" ? 0 : 1;
        }
        if (state === "failed" || state === "missing") {
          err(`rollback job ${state}${job?.failedReason ? `: ${job.failedReason}` : ""}`);
          return 1;
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    } finally {
      await queue.close();
    }
  } finally {
    redis.disconnect();
  }
}
