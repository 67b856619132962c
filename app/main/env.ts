// The only place that reads process.env. Everything below app/main/ receives a BerthEnv.
import { resolve } from "node:path";
import { DEFAULT_NODE_HELPER } from "../adapters/swarm/ssh-swarm.js";
import type { NodeHelper } from "../core/docker-args.js";

/**
 * What removes a torn-down preview's volumes on every node of a multi-node Swarm: an image with sh and the docker CLI
 * (every node must be able to run it; default docker:27-cli) and the path of each node's Docker socket (default
 * /var/run/docker.sock; a Swarm mount template such as /run/{{.Node.Hostname}}/docker.sock when nodes differ).
 */
export function nodeHelperFrom(env: NodeJS.ProcessEnv): NodeHelper {
  return {
    image: env.BERTH_NODE_HELPER_IMAGE || DEFAULT_NODE_HELPER.image,
    dockerSocket: env.BERTH_NODE_DOCKER_SOCKET || DEFAULT_NODE_HELPER.dockerSocket,
  };
}

export interface BerthEnv {
  appId: number;
  /** PEM text, from PRIVATE_KEY (raw or base64) or PRIVATE_KEY_PATH; Probot's own loader reads it. */
  webhookSecret: string;
  /** https://api.github.com or <GHE_PROTOCOL>://<GHE_HOST>/api/v3 */
  githubApiUrl: string;
  /** Where links in comments point: https://github.com or the GHE host. */
  githubWebUrl: string;
  port: number;
  host: string;
  logLevel: "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";
  redisUrl: string;
  queuePrefix: string;
  configDir: string;
  templatesDir: string;
  workerConcurrency: number;
  /** How often the worker sweeps idle previews (BERTH_SWEEP_INTERVAL_SECONDS). */
  sweepIntervalSeconds: number;
  /** BERTH_STATUS_TOKEN: the status page's read token; unset → GET /status is 404. */
  statusToken?: string;
  /** BERTH_METRICS_PORT: where a worker started alone serves /metrics; unset → not served (see README). */
  metricsPort?: number;
  /** BERTH_AUDIT_MAX_ENTRIES: the audit stream's length bound (XADD MAXLEN ~). */
  auditMaxEntries: number;
  /** How often the worker checks that each Caddy edge still runs its routes (BERTH_EDGE_SYNC_SECONDS). */
  edgeSyncSeconds: number;
  /** Service registry: BERTH_DISCOVERY=etcd|consul (none when unset) and where it is. */
  discovery?:
    | { kind: "etcd"; endpoints: string[]; leaseSeconds: number; syncSeconds: number }
    | { kind: "consul"; url: string; token?: string; syncSeconds: number };
  /** The per-node volume cleanup of multi-node Swarms: BERTH_NODE_HELPER_IMAGE, BERTH_NODE_DOCKER_SOCKET. */
  nodeHelper: NodeHelper;
  /** Keep the variables that deploy configs may reference with ${NAME}. */
  configVariables: Record<string, string | undefined>;
}

export class EnvError extends Error {}

const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

function intVar(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new EnvError(`${name}=${JSON.stringify(raw)} is not a whole number between ${min} and ${max}.`);
  }
  return n;
}

export function parseEnv(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): BerthEnv {
  const problems: string[] = [];
  const appId = Number(env.APP_ID);
  if (!env.APP_ID || !Number.isInteger(appId) || appId <= 0)
    problems.push("APP_ID must be the GitHub App's numeric id.");
  if (!env.PRIVATE_KEY && !env.PRIVATE_KEY_PATH) {
    problems.push("Set PRIVATE_KEY (PEM text or base64) or PRIVATE_KEY_PATH (path to the App's .pem file).");
  }
  if (!env.WEBHOOK_SECRET) problems.push("WEBHOOK_SECRET must be set: Berth refuses unsigned webhooks.");
  const logLevel = (env.LOG_LEVEL ?? "info") as BerthEnv["logLevel"];
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}.`);
  const protocol = env.GHE_PROTOCOL || "https";
  if (protocol !== "https" && protocol !== "http") problems.push("GHE_PROTOCOL must be https or http.");
  let port = 3000;
  let workerConcurrency = 4;
  let sweepIntervalSeconds = 300;
  let metricsPort: number | undefined;
  let auditMaxEntries = 10_000;
  let edgeSyncSeconds = 5;
  let discovery: BerthEnv["discovery"];
  try {
    if (env.BERTH_METRICS_PORT) metricsPort = intVar(env, "BERTH_METRICS_PORT", 0, 0, 65535);
    auditMaxEntries = intVar(env, "BERTH_AUDIT_MAX_ENTRIES", 10_000, 100, 10_000_000);
    const found = discoveryFromEnv(env);
    problems.push(...found.problems);
    discovery = found.discovery;
    edgeSyncSeconds = intVar(env, "BERTH_EDGE_SYNC_SECONDS", 5, 1, 3600);
    sweepIntervalSeconds = intVar(env, "BERTH_SWEEP_INTERVAL_SECONDS", 300, 1, 86_400);
    port = intVar(env, "PORT", 3000, 0, 65535);
    workerConcurrency = intVar(env, "BERTH_WORKER_CONCURRENCY", 4, 1, 64);
  } catch (err) {
    problems.push((err as Error).message);
  }
  const statusToken = env.BERTH_STATUS_TOKEN || undefined;
  if (statusToken !== undefined && statusToken.length < 16)
    problems.push("BERTH_STATUS_TOKEN must be at least 16 characters (it is the status page's only lock).");
  if (problems.length > 0) throw new EnvError(`Berth cannot start:\n- ${problems.join("\n- ")}`);

  const gheHost = env.GHE_HOST;
  return {
    appId,
    webhookSecret: env.WEBHOOK_SECRET!,
    githubApiUrl: gheHost ? `${protocol}://${gheHost}/api/v3` : "https://api.github.com",
    githubWebUrl: gheHost ? `${protocol}://${gheHost}` : "https://github.com",
    port,
    host: env.HOST || "0.0.0.0",
    logLevel,
    redisUrl: env.REDIS_URL || "redis://127.0.0.1:6379",
    queuePrefix: env.BERTH_QUEUE_PREFIX || "berth",
    configDir: resolve(cwd, env.BERTH_CONFIG_DIR || "deploy-configs"),
    templatesDir: resolve(cwd, env.BERTH_TEMPLATES_DIR || "templates"),
    workerConcurrency,
    sweepIntervalSeconds,
    ...(statusToken ? { statusToken } : {}),
    ...(metricsPort !== undefined ? { metricsPort } : {}),
    auditMaxEntries,
    edgeSyncSeconds,
    ...(discovery ? { discovery } : {}),
    nodeHelper: nodeHelperFrom(env),
    configVariables: { ...env },
  };
}

/** BERTH_DISCOVERY and its settings: the worker's registry, and the CLI's `berth discovery` and `render`. */
export function discoveryFromEnv(env: NodeJS.ProcessEnv | Record<string, string | undefined>): {
  discovery?: BerthEnv["discovery"];
  problems: string[];
} {
  const problems: string[] = [];
  let found: BerthEnv["discovery"];
  try {
    const syncSeconds = intVar(env, "BERTH_REGISTRY_SYNC_SECONDS", 30, 1, 3600);
    if (env.BERTH_DISCOVERY === "etcd") {
      const endpoints = (env.BERTH_ETCD_ENDPOINTS ?? "").split(",").filter(Boolean);
      if (endpoints.length === 0) problems.push("BERTH_DISCOVERY=etcd needs BERTH_ETCD_ENDPOINTS (host:port,…).");
      const leaseSeconds = intVar(env, "BERTH_ETCD_LEASE_SECONDS", 30, 5, 3600);
      found = { kind: "etcd", endpoints, leaseSeconds, syncSeconds };
    } else if (env.BERTH_DISCOVERY === "consul") {
      if (!env.BERTH_CONSUL_URL) problems.push("BERTH_DISCOVERY=consul needs BERTH_CONSUL_URL (http://host:8500).");
      else if (!/^https?:\/\/[^/]+\/?$/.test(env.BERTH_CONSUL_URL))
        problems.push(
          `BERTH_CONSUL_URL=${JSON.stringify(env.BERTH_CONSUL_URL)} must be the agent's http(s)://host:port (no path).`,
        );
      found = {
        kind: "consul",
        url: env.BERTH_CONSUL_URL ?? "",
        ...(env.BERTH_CONSUL_TOKEN ? { token: env.BERTH_CONSUL_TOKEN } : {}),
        syncSeconds,
      };
    } else if (env.BERTH_DISCOVERY && env.BERTH_DISCOVERY !== "none") {
      problems.push("BERTH_DISCOVERY must be etcd, consul or none.");
    }
  } catch (err) {
    problems.push((err as Error).message);
  }
  return { ...(found ? { discovery: found } : {}), problems };
}
