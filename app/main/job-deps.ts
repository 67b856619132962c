// The worker's adapters: one SSH pool for all managers, GitHub clients per installation, configs from disk.
import type { Probot } from "probot";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { BerthEnv } from "./env.js";
import type { JobDeps } from "../jobs/deps.js";
import type { CaddyEdgeConfig, SshTarget } from "../core/config/types.js";
import type { EdgeRouter } from "../ports/edge-router.js";
import { createCaddyEdge } from "../adapters/caddy/caddy-edge.js";
import { registryFor } from "./registry-for.js";
import type { ServiceRegistry } from "../ports/service-registry.js";

/** The configured service registry (BERTH_DISCOVERY): etcd, Consul, or none. */
export function registryFrom(env: BerthEnv, log: Logger): ServiceRegistry | undefined {
  return registryFor(env.discovery, log);
}
import type { SwarmPort } from "../ports/swarm.js";
import { systemClock } from "../ports/clock.js";
import { createFileConfigSource } from "../adapters/config/file-config-source.js";
import { createHttpProbe } from "../adapters/http-probe.js";
import { createReportHandleStore } from "../adapters/redis/report-handles.js";
import { createApprovalStore } from "../adapters/redis/approvals.js";
import { createActivityStore } from "../adapters/redis/activity.js";
import { createPullRequestTrust } from "../adapters/redis/pull-request-trust.js";
import { createReplicaStore } from "../adapters/redis/replicas.js";
import { createCommandReplyStore } from "../adapters/redis/command-replies.js";
import { createCommandGitHub } from "../adapters/github/octokit-commands.js";
import type { Enqueue } from "../events/enqueue.js";
import { createSshPool } from "../adapters/ssh/pool.js";
import { failoverPool, managersOf } from "../adapters/ssh/failover.js";
import { createSshSwarm } from "../adapters/swarm/ssh-swarm.js";
import { KnownSecrets } from "../adapters/secrets/known-secrets.js";
import { createSecretSource } from "../adapters/secrets/env-file-secrets.js";
import { redactingReporter } from "../adapters/github/redacting-reporter.js";
import { createReleaseStore } from "../adapters/redis/releases.js";
import { createGitHubCommits } from "../adapters/github/octokit-commits.js";
import { createReportWrites } from "./report-writes.js";
import type { WriteSchedulerView } from "../adapters/metrics/github-writes.js";
import { createGitHubReporter } from "../adapters/github/octokit-reporter.js";

export function buildJobDeps(args: {
  env: BerthEnv;
  probot: Probot;
  redis: Redis;
  log: Logger;
  enqueue: Enqueue;
  knownSecrets?: KnownSecrets;
  /** Metrics and the status page's record (app/main/observability.ts). */
  watcher?: JobDeps["watcher"];
  countWrites?: <T extends object>(octokit: T, installationId: number) => T;
}): {
  deps: JobDeps;
  close: () => Promise<void>;
  sshUsage: () => { connections: number; channels: number };
  /** The GitHub write scheduler's counts and hourly budget, for the metrics. */
  writeScheduler: WriteSchedulerView;
} {
  const { env, redis, log, enqueue } = args;
  const probot = {
    auth: async (installationId: number) => {
      const octokit = await args.probot.auth(installationId);
      return args.countWrites ? args.countWrites(octokit, installationId) : octokit;
    },
  };
  const knownSecrets = args.knownSecrets ?? new KnownSecrets();
  const pool = failoverPool(createSshPool({ log }), log);
  const swarms = new Map<string, SwarmPort>();
  const handles = createReportHandleStore(redis, env.queuePrefix);
  const reportWrites = createReportWrites({ env, probot, redis, log, handles, knownSecrets });
  const edges = new Map<string, EdgeRouter>();
  const deps: JobDeps = {
    configs: createFileConfigSource({
      configDir: env.configDir,
      templatesDir: env.templatesDir,
      variables: env.configVariables,
    }),
    swarmFor: (target: SshTarget) => {
      // Two configs may name the same first manager with different fallbacks or pinned keys: all of it is the key.
      const key = JSON.stringify(managersOf(target));
      const known = swarms.get(key);
      if (known) return known;
      const swarm = createSshSwarm(target, pool, env.nodeHelper);
      swarms.set(key, swarm);
      return swarm;
    },
    writes: reportWrites.writes,
    edgeFor: (target: SshTarget, edge: CaddyEdgeConfig) => {
      const key = `${target.user}@${target.host}:${target.port}/${JSON.stringify(edge)}`;
      const known = edges.get(key);
      if (known) return known;
      const router = createCaddyEdge(target, edge, pool);
      edges.set(key, router);
      return router;
    },
    reporterFor: async (installationId) =>
      redactingReporter(createGitHubReporter(await probot.auth(installationId)), knownSecrets),
    secrets: createSecretSource({ variables: env.configVariables, known: knownSecrets }),
    probe: createHttpProbe(systemClock),
    handles,
    approvals: createApprovalStore(redis, env.queuePrefix),
    activity: createActivityStore(redis, env.queuePrefix),
    trust: createPullRequestTrust(redis, env.queuePrefix),
    enqueue,
    clock: systemClock,
    log,
    webBaseUrl: env.githubWebUrl,
    releases: createReleaseStore(redis, env.queuePrefix),
    commitsFor: async (installationId) =>
      redactingReporter(createGitHubCommits(await probot.auth(installationId)), knownSecrets),
    appId: env.appId,
    replicas: createReplicaStore(redis, env.queuePrefix),
    // Replies quote logs and errors: they pass the same redaction as every other write to GitHub.
    commandGitHubFor: async (installationId) =>
      redactingReporter(createCommandGitHub(await probot.auth(installationId)), knownSecrets),
    ...(args.watcher ? { watcher: args.watcher } : {}),
    commandReplies: createCommandReplyStore(redis, env.queuePrefix),
  };
  const registry = registryFrom(env, log);
  if (registry) deps.registry = registry;
  return {
    deps,
    close: async () => {
      await reportWrites.close();
      await registry?.close();
      await pool.closeAll();
    },
    sshUsage: () => pool.usage?.() ?? { connections: 0, channels: 0 },
    writeScheduler: reportWrites.scheduler,
  };
}
