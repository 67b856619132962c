// The fault tests' harness: a deploy config of their own (app `fault*`, PRs 1000–1099 on host ports 26000–26099),
// the GitHub stand-in and the real Berth process, with helpers to send PR webhooks and read what was reported.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { startGitHubStandIn, type GitHubStandIn } from "../../scripts/github-stand-in/index.js";
import { REPO_ROOT, startBerth, testAppKey, type BerthProcess } from "../../scripts/lib/berth-process.js";
import { sendWebhook } from "../../scripts/lib/webhook-sender.js";
import { loadPayload } from "../fixtures/webhooks/index.js";
import { infraEnv } from "./infra.js";
import { deletePrefix } from "../../scripts/lib/redis-prefix.js";
import { existsSync, readFileSync } from "node:fs";
import { parseEnvLines } from "../../scripts/lib/infra-env.js";
import type { RecordedRequest } from "../../scripts/github-stand-in/state.js";

export const PORT_BASE = 25000; // PR 1000 → 26000
export const sha = () => randomBytes(20).toString("hex");
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The fault Swarm's coordinates (scripts/infra/node2.sh writes them; up.sh copies them into the env file). */
export function faultEnv(): Record<string, string> {
  const file = "/var/lib/berth-dev/env.faults";
  return { ...(existsSync(file) ? parseEnvLines(readFileSync(file, "utf8")) : {}), ...infraEnv() };
}

export interface SshYamlOptions {
  hosts?: { host: string; port: number }[];
  host?: string;
  port?: number | string;
  hostKey?: string;
}

export function sshYaml(o: SshYamlOptions = {}): string {
  const lines = [
    "ssh:",
    `  host: ${o.host ?? "${BERTH_SSH_HOST}"}`,
    `  port: ${o.port ?? "${BERTH_SSH_PORT}"}`,
    "  user: ${BERTH_SSH_USER}",
    "  privateKeyPath: ${BERTH_SSH_KEY_PATH}",
    `  hostKey: ${o.hostKey ?? "${BERTH_SSH_HOST_KEY}"}`,
  ];
  if (o.hosts) {
    lines.push("  hosts:");
    for (const h of o.hosts) lines.push(`    - { host: ${h.host}, port: ${h.port} }`);
  }
  return lines.join("\n");
}

export function faultConfigYaml(o: {
  app: string;
  ssh?: SshYamlOptions;
  probeHost?: string;
  replicas?: number;
  healthTimeoutSeconds?: number;
  extraServices?: string;
  extra?: string;
  template?: string;
}): string {
  return `repository: acme/${o.app}
app: ${o.app}
template: ${o.template ?? "web-service.yml"}
${sshYaml(o.ssh)}
routing:
  mode: host-port
  domain: preview.localhost
  previewPortBase: ${PORT_BASE}
${o.probeHost ? `  probeHost: ${o.probeHost}\n` : ""}
preview: { healthTimeoutSeconds: ${o.healthTimeoutSeconds ?? 150}, maxFailedTasks: 3 }
services:
  web:
    image: \${BERTH_TEST_IMAGE}
    public: true
    port: 8080
    healthPath: /healthz
    replicas: ${o.replicas ?? 1}
    resources:
      limits: { cpus: 0.25, memory: 48M }
      reservations: { cpus: 0.01, memory: 8M }
${o.extraServices ?? ""}${o.extra ?? ""}`;
}

export interface FaultBot {
  github: GitHubStandIn;
  berth: BerthProcess;
  configDir: string;
  send(event: string, payload: unknown, deliveryId?: string): Promise<number>;
  pr(
    action: "opened" | "synchronize" | "closed" | "reopened",
    app: string,
    pr: number,
    head: string,
    d?: string,
  ): Promise<number>;
  /** Requests after `mark`, token exchanges left out. */
  since(mark: number): RecordedRequest[];
  /** Restart the Berth process (same queue prefix, same secret); `kill` = SIGKILL first instead of SIGTERM. */
  restart(opts?: { kill?: boolean; extraEnv?: Record<string, string> }): Promise<void>;
  close(): Promise<void>;
}

export async function startFaultBot(opts: {
  configs: Record<string, string>; // file name → YAML
  /** Extra stack templates beside the repository's own (file name → YAML). */
  templates?: Record<string, string>;
  extraEnv?: Record<string, string>;
  infra?: Record<string, string>;
}): Promise<FaultBot> {
  const configDir = mkdtempSync(join(tmpdir(), "berth-faults-"));
  for (const [name, yaml] of Object.entries(opts.configs)) writeFileSync(join(configDir, name), yaml);
  const templatesDir = join(configDir, "templates");
  cpSync(join(REPO_ROOT, "templates"), templatesDir, { recursive: true });
  for (const [name, yaml] of Object.entries(opts.templates ?? {})) writeFileSync(join(templatesDir, name), yaml);
  const privateKey = testAppKey();
  const github = await startGitHubStandIn({ appId: 4242, privateKey });
  const infra = opts.infra ?? faultEnv();
  const env = (extra?: Record<string, string>) => ({
    BERTH_CONFIG_DIR: configDir,
    BERTH_TEMPLATES_DIR: templatesDir,
    ...opts.extraEnv,
    ...extra,
  });
  let berth = await startBerth({
    githubHost: `127.0.0.1:${github.port}`,
    infraEnv: infra,
    privateKey,
    appId: 4242,
    extraEnv: env(),
  });
  const bot: FaultBot = {
    github,
    get berth() {
      return berth;
    },
    configDir,
    async send(event, payload, deliveryId) {
      const res = await sendWebhook({ url: berth.webhookUrl, event, payload, secret: berth.webhookSecret, deliveryId });
      return res.status;
    },
    pr(action, app, pr, head, deliveryId) {
      return bot.send(
        "pull_request",
        loadPayload(`pull_request.${action}`, { repository: `acme/${app}`, number: pr, headSha: head }),
        deliveryId,
      );
    },
    since: (mark) => github.requests.slice(mark).filter((r) => !r.path.endsWith("/access_tokens")),
    async restart(r = {}) {
      if (r.kill) {
        berth.child.kill("SIGKILL");
        await new Promise((res) => (berth.child.exitCode !== null ? res(undefined) : berth.child.once("exit", res)));
      } else await berth.stop();
      berth = await startBerth({
        githubHost: `127.0.0.1:${github.port}`,
        infraEnv: infra,
        privateKey,
        appId: 4242,
        webhookSecret: berth.webhookSecret,
        queuePrefix: berth.queuePrefix,
        extraEnv: env(r.extraEnv),
      });
    },
    async close() {
      if (process.env.BERTH_E2E_VERBOSE) console.log(berth.output().split("\n").slice(-120).join("\n"));
      await berth.stop();
      await github.close();
      await deletePrefix(
        opts.extraEnv?.REDIS_URL ?? infra.REDIS_URL ?? "redis://127.0.0.1:6379",
        berth.queuePrefix,
      ).catch(() => 0);
      rmSync(configDir, { recursive: true, force: true });
    },
  };
  return bot;
}

/** docker on the shared Swarm, or on another engine (DOCKER_HOST) */
export function docker(args: string[], dockerHost?: string): string {
  return execFileSync("docker", args, {
    env: { ...process.env, ...(dockerHost ? { DOCKER_HOST: dockerHost } : {}) },
    stdio: ["ignore", "pipe", "pipe"],
  })
    .toString()
    .trim();
}

export function removeStack(stack: string, dockerHost?: string): void {
  try {
    if (docker(["service", "ls", "-q", "--filter", `label=com.docker.stack.namespace=${stack}`], dockerHost))
      docker(["stack", "rm", stack], dockerHost);
  } catch {
    // already gone
  }
}

export function stackServices(stack: string, dockerHost?: string): string[] {
  return docker(
    ["service", "ls", "--filter", `label=com.docker.stack.namespace=${stack}`, "--format", "{{.Name}} {{.Replicas}}"],
    dockerHost,
  )
    .split("\n")
    .filter(Boolean);
}

/** Writes of one kind Berth sent: check-run creates/updates, deployments, statuses, comments. */
export function writes(reqs: RecordedRequest[], repo: string) {
  const base = `/repos/${repo}`;
  return {
    checkCreates: reqs.filter((r) => r.method === "POST" && r.path === `${base}/check-runs` && r.status < 300),
    checkUpdates: reqs.filter(
      (r) => r.method === "PATCH" && r.path.startsWith(`${base}/check-runs/`) && r.status < 300,
    ),
    deployments: reqs.filter((r) => r.method === "POST" && r.path === `${base}/deployments` && r.status < 300),
    statuses: reqs.filter((r) => r.method === "POST" && /\/deployments\/\d+\/statuses$/.test(r.path) && r.status < 300),
    commentCreates: reqs.filter(
      (r) => r.method === "POST" && /\/issues\/\d+\/comments$/.test(r.path) && r.status < 300,
    ),
  };
}

export async function body(url: string): Promise<string> {
  try {
    return (await (await fetch(url, { signal: AbortSignal.timeout(3000) })).text()).trim();
  } catch (err) {
    return `unreachable: ${(err as Error).message}`;
  }
}
