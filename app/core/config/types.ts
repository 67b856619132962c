// The typed shape of one deploy config (deploy-configs/<name>.yml) after validation.
// The JSON Schema in deploy-configs/berth-config.schema.json is the contract; this mirrors it.

export interface SshTarget {
  host: string;
  port: number;
  user: string;
  privateKeyPath: string;
  /** Pinned host key: "ssh-ed25519 AAAA…" (as in known_hosts) or "SHA256:<base64>" fingerprint. */
  hostKey: string;
  /** Other managers of the same Swarm, tried in order when the ones before cannot be reached. */
  hosts?: { host: string; port: number; hostKey?: string }[];
}

export interface ResourceSpec {
  /** Docker CPU count, e.g. 0.5 */
  cpus?: number;
  /** Bytes-with-unit as Docker takes it: "128M", "1G" */
  memory?: string;
}

export interface ServiceConfig {
  /** Image reference; may use {{sha}}, {{short_sha}}, {{pr}}, {{environment}}, {{app}} */
  image: string;
  replicas: number;
  /** Upper bound for /scale; defaults to replicas*? (see schema) */
  maxReplicas: number;
  /** Container port the service listens on (HTTP). */
  port?: number;
  /** Path probed after deploy; only for the public service. */
  healthPath: string;
  /** The one service that receives the environment's URL (router / published port). */
  public: boolean;
  /** No BERTH_SHA: the task spec stays the same across deploys, so a redeploy does not restart it (in-stack ingress). */
  pinned?: boolean;
  env: Record<string, string>;
  resources: { limits: ResourceSpec; reservations: ResourceSpec };
  /** Names of top-level secrets mounted at /run/secrets/<name>. */
  secrets?: string[];
  /** Router policy for the public service (core/routing/traffic-policy.ts renders and checks it). */
  traffic?: TrafficPolicy;
}

/** Durations as the config writes them: "250ms", "5s", "2m". */
export type DurationText = string;

export interface TrafficPolicy {
  loadBalancing?: "round-robin" | "least-connections" | "sticky-cookie" | "weighted";
  stickyCookie?: string;
  retries?: { budget: DurationText; interval?: DurationText };
  timeouts?: { connect?: DurationText; response?: DurationText };
  circuitBreaker?: { failures: number; window: DurationText };
  rateLimit?: { average: number; burst?: number };
}

/** caddy mode: the Swarm's one Caddy edge (schema fills every default but the ACME extras). */
export interface CaddyEdgeConfig {
  service: string;
  network: string;
  image: string;
  httpsPort: number;
  httpPort: number;
  tls: "internal" | "acme";
  acmeEmail?: string;
  acmeCa?: string;
}

export interface RoutingConfig {
  /** traefik: render Traefik v3 labels, URL https://<stack>.<domain>.
   *  host-port: publish the public service's port in host mode on the manager (no Traefik, no IPVS needed).
   *  caddy: Berth's Caddy edge routes https://<stack>.<domain> to the public service over the edge network. */
  mode: "traefik" | "host-port" | "caddy";
  scheme: "http" | "https";
  domain: string;
  /** host-port mode: preview N publishes on previewPortBase + N. */
  previewPortBase: number;
  /** Host the bot probes in host-port mode (the manager's address as seen from the bot). */
  probeHost: string;
  traefik: { entrypoint: string; certResolver?: string; network?: string };
  /** Optional in the type (the schema fills it) so configs built in code stay valid. */
  caddy?: CaddyEdgeConfig;
}

// Fields added with preview policies are optional in the type (the schema always fills their defaults) so that
// configs built in code before they existed still type-check; readers apply the documented default.
export interface PreviewConfig {
  enabled: boolean;
  /** Deadline for "all tasks running the new spec" + URL answering. */
  healthTimeoutSeconds: number;
  /** A deploy fails early once this many tasks of the new spec have failed. */
  maxFailedTasks: number;
  /** Idle time (no push, no command) after which the sweeper tears the preview down. */
  ttlSeconds?: number;
  /** Live previews per repository; 0 = no cap. */
  maxLive?: number;
  /** At the cap: refuse the new preview, or evict the least recently active one. */
  onCap?: "refuse" | "evict-lru";
  /** Whether <stack>_berth is attachable for standalone containers. */
  attachableNetwork?: boolean;
}

/** Sums over an environment's tasks (limit/reservation × replicas); undefined = not limited. */
export interface QuotaSpec {
  cpus?: number;
  memory?: string;
  reservedCpus?: number;
  reservedMemory?: string;
  maxReplicas?: number;
  maxTotalReplicas?: number;
}

export interface QuotasConfig {
  preview?: QuotaSpec;
  staging?: QuotaSpec;
  production?: QuotaSpec;
  /** All live environments of the repository together. */
  repository?: QuotaSpec;
}

/** Where a secret's value comes from: the bot's environment or a file on the bot's machine. Exactly one. */
export type SecretSource = { env: string; file?: undefined } | { file: string; env?: undefined };
/** Branch environments: staging (pushes to a branch) and production (releases / matching tags). */
export interface BranchEnvironmentConfig {
  enabled: boolean;
  /** Deploy only once the commit's check suites (Berth's own ignored) completed successfully. */
  ciGate: boolean;
  healthTimeoutSeconds: number;
  maxFailedTasks: number;
}

export interface StagingConfig extends BranchEnvironmentConfig {
  /** Branch name without refs/heads/. */
  branch: string;
}

export interface ProductionConfig extends BranchEnvironmentConfig {
  /** JavaScript regular expression a pushed tag name must match (whole name). */
  tagPattern: string;
  /** Deploy only after an admin's `/deploy production`. */
  requireApproval: boolean;
}

export interface HistoryConfig {
  /** Releases kept per environment. */
  keep: number;
}

/** Image source: build the staging image from the commit's tarball instead of using a CI-built one. */
export interface BuildConfig {
  enabled: boolean;
  /** Service whose image is built; default the public service (filled by the parser). */
  service?: string;
  dockerfile: string;
  /** host[:port]: push <registry>/<app>:<sha> so every node can pull it. */
  registry?: string;
}

export interface DeployConfig {
  /** Path of the file it came from, for messages. */
  file: string;
  repository: string; // owner/name
  app: string; // Swarm-name-safe, used for stack names
  template: string; // file name under templates/
  ssh: SshTarget;
  routing: RoutingConfig;
  preview: PreviewConfig;
  staging: StagingConfig;
  production: ProductionConfig;
  history: HistoryConfig;
  build: BuildConfig;
  services: Record<string, ServiceConfig>;
  /** Optional in the type (the schema fills {}), so configs built in code stay valid. */
  quotas?: QuotasConfig;
  secrets?: Record<string, SecretSource>;
  /** Slash commands in PR comments; filled with defaults by the schema (optional for configs built in code). */
  commands?: CommandsConfig;

  // --- discovery (issue 15: registry KV values in templates) ---
  /** Filled by the parser: line:col of each image/env value holding a {{kv.…}} reference, by JSON pointer, so a
   * key missing from the registry's KV store at render time names the config's file:line. */
  valuesAt?: Record<string, { line: number; col: number }>;
  // --- end discovery ---
}

/** `commands:` — who may run which slash command, and their limits (see the schema for defaults). */
export interface CommandsConfig {
  enabled: boolean;
  /** GitHub collaborator permission → Berth role; keys left out keep the default mapping. */
  roles: Partial<
    Record<"admin" | "maintain" | "write" | "triage" | "read" | "none", "viewer" | "developer" | "admin" | "none">
  >;
  /** Command action (scale, deploy-production, …) → lowest role allowed; keys left out keep the default. */
  require: Partial<Record<string, "viewer" | "developer" | "admin">>;
  /** Largest total replicas of one preview that /scale may reach. */
  replicaQuota: number;
  logTailDefault: number;
  logTailMax: number;
}

/** A problem found in a config file, pointing at the place to fix. */
export interface ConfigProblem {
  file: string;
  line: number; // 1-based
  col: number; // 1-based
  path: string; // JSON pointer-ish: /services/web/replicas
  message: string; // what is wrong and what to do
}

// ---- intentions (issue 15, item 4): which services may connect, enforced as Swarm networks ----
// Kept in a block of their own: declaration merging adds the field to DeployConfig above.

/** One of seed 004's connect intentions: may `source` open connections to `destination` ("*" = every service). */
export interface Intention {
  source: string;
  destination: string;
  action: "allow" | "deny";
  description?: string;
}

export interface DeployConfig {
  /** Absent or empty: every service shares the stack network (as before). Otherwise one network per allowed pair. */
  intentions?: Intention[];
}
