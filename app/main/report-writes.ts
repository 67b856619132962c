// The worker's GitHub write scheduler: one per process, pending finals in Redis, writes redacted before they are
// stored. Octokit's own throttling is off (see boot.ts): this scheduler paces the writes.
import type { Probot } from "probot";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { BerthEnv } from "./env.js";
import type { ReportHandleStore } from "../ports/report-handles.js";
import type { GitHubReporter } from "../ports/github-reporter.js";
import type { ReportWrite, ReportWrites } from "../ports/report-writes.js";
import { systemClock } from "../ports/clock.js";
import { WriteScheduler } from "../adapters/github/write-scheduler.js";
import { reportWriteTransport, reportWritesOn } from "../adapters/github/report-writes.js";
import { createPendingWriteStore } from "../adapters/redis/pending-writes.js";
import { createGitHubReporter } from "../adapters/github/octokit-reporter.js";
import { redactingReporter } from "../adapters/github/redacting-reporter.js";
import type { KnownSecrets } from "../adapters/secrets/known-secrets.js";

const CLIENT_TTL_MS = 30 * 60_000; // installation tokens last an hour
const DRAIN_ON_CLOSE_MS = 5_000;

export function createReportWrites(args: {
  env: BerthEnv;
  probot: Pick<Probot, "auth">;
  redis: Redis;
  log: Logger;
  handles: ReportHandleStore;
  knownSecrets: KnownSecrets;
}): { writes: ReportWrites; scheduler: WriteScheduler<ReportWrite>; close(): Promise<void> } {
  const { env, probot, redis, log, handles, knownSecrets } = args;
  const clients = new Map<number, { reporter: GitHubReporter; at: number }>();
  const reporterFor = async (installationId: number) => {
    const known = clients.get(installationId);
    if (known && known.at > Date.now() - CLIENT_TTL_MS) return known.reporter;
    const reporter = redactingReporter(createGitHubReporter(await probot.auth(installationId)), knownSecrets);
    clients.set(installationId, { reporter, at: Date.now() });
    return reporter;
  };
  const scheduler = new WriteScheduler<ReportWrite>({
    transport: reportWriteTransport({ reporterFor, handles, webBaseUrl: env.githubWebUrl, log }),
    store: createPendingWriteStore<ReportWrite>(redis, env.queuePrefix),
    clock: systemClock,
    log: log.child({ component: "github-writes" }),
  });
  scheduler.start().catch((err) => log.error({ err }, "could not resume pending GitHub writes"));
  return {
    // Redacted before they are queued: what waits in Redis carries no secret value either.
    writes: redactingReporter(reportWritesOn(scheduler), knownSecrets),
    scheduler,
    async close() {
      await Promise.race([scheduler.idle(), new Promise((r) => setTimeout(r, DRAIN_ON_CLOSE_MS).unref())]);
      await scheduler.close();
    },
  };
}
