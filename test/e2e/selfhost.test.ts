// Berth running as most users run it: its own image (built offline here, scripts/selfhost/build-images.sh) deployed
// to the Swarm with deploy/berth-stack.yml — server, worker and Redis (AOF, volume) as services, App key, webhook
// secret and SSH key as Swarm secrets, health checks. One preview goes through it: a signed webhook to the
// containerized server → Redis in the stack → the containerized worker deploys over SSH to the manager → the preview
// serves the commit and the GitHub stand-in receives the success status. Slow: image build on first run, ~3 min.
import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { startGitHubStandIn, type GitHubStandIn } from "../../scripts/github-stand-in/index.js";
import { testAppKey } from "../../scripts/lib/berth-process.js";
import { sendWebhook } from "../../scripts/lib/webhook-sender.js";
import { waitFor } from "../../scripts/lib/wait-for.js";
import { localStack } from "../../scripts/selfhost/local-stack.js";
import { loadPayload } from "../fixtures/webhooks/index.js";
import { infraEnv, sshTarget } from "../helpers/infra.js";
import { createSshPool } from "../../app/adapters/ssh/pool.js";
import { createSshSwarm } from "../../app/adapters/swarm/ssh-swarm.js";

const run = promisify(execFile);
const infra = infraEnv();
const suffix = randomBytes(3).toString("hex");
const STACK = `selfhost${suffix}`; // Berth itself
const REPOSITORY = `acme/selfhost-${suffix}`;
const PR = 1170 + Math.floor(Math.random() * 20); // selfhost* PRs 1170–1189 → preview ports 27070–27089
const PREVIEW = `${STACK}-pr-${PR}`;
const PREVIEW_PORT = 25900 + PR;
const SERVER_PORT = 27098;
const REDIS_PORT = 27097;
const STAND_IN_PORT = 27099;
const IMAGE = "berth-selfhost:local";
const REDIS_IMAGE = "berth-selfhost-redis:local";
const SECRETS = ["app_key", "webhook_secret", "ssh_key"].map((n) => `${STACK}_${n}`);

const dir = mkdtempSync(join(tmpdir(), "berth-selfhost-"));
const privateKey = testAppKey();
const webhookSecret = randomBytes(16).toString("hex");
const pool = createSshPool();
const swarm = createSshSwarm(sshTarget(), pool);
let github: GitHubStandIn;

const docker = (args: string[], input?: string) =>
  execFileSync("docker", args, { input, stdio: ["pipe", "pipe", "pipe"] })
    .toString()
    .trim();
const serviceReplicas = (name: string) =>
  docker(["service", "ls", "--filter", `name=${name}`, "--format", "{{.Replicas}}"]);

beforeAll(async () => {
  await run("bash", ["scripts/selfhost/build-images.sh", IMAGE, REDIS_IMAGE], { timeout: 15 * 60_000 });
  github = await startGitHubStandIn({ port: STAND_IN_PORT, appId: 4242, privateKey });
  docker(["secret", "create", `${STACK}_app_key`, "-"], privateKey);
  docker(["secret", "create", `${STACK}_webhook_secret`, "-"], webhookSecret);
  docker(["secret", "create", `${STACK}_ssh_key`, "-"], readFileSync(infra.BERTH_SSH_KEY_PATH!, "utf8"));
  const config = join(dir, "selfhost.yml");
  writeFileSync(
    config,
    `repository: ${REPOSITORY}
app: ${STACK}
template: web-service.yml
ssh:
  host: 127.0.0.1
  port: ${infra.BERTH_SSH_PORT}
  user: ${infra.BERTH_SSH_USER}
  privateKeyPath: /run/secrets/berth_ssh_key
  hostKey: "${infra.BERTH_SSH_HOST_KEY}"
routing: { mode: host-port, domain: preview.localhost, previewPortBase: 25900 }
preview: { healthTimeoutSeconds: 150 }
services:
  web:
    image: ${infra.BERTH_TEST_IMAGE}
    public: true
    port: 8080
    healthPath: /healthz
    resources: { limits: { cpus: 0.25, memory: 32M } }
`,
  );
  const stackFile = join(dir, "berth-stack.local.yml");
  writeFileSync(
    stackFile,
    localStack(readFileSync("deploy/berth-stack.yml", "utf8"), {
      serverPort: SERVER_PORT,
      redisPort: REDIS_PORT,
      workers: 1,
    }),
  );
  await run("docker", ["stack", "deploy", "--resolve-image", "never", "-c", stackFile, STACK], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      BERTH_APP_ID: "4242",
      BERTH_IMAGE: IMAGE,
      BERTH_REDIS_IMAGE: REDIS_IMAGE,
      BERTH_SECRET_PREFIX: STACK,
      BERTH_DEPLOY_CONFIG: config,
      BERTH_QUEUE_PREFIX: STACK,
      GHE_HOST: `127.0.0.1:${STAND_IN_PORT}`,
      GHE_PROTOCOL: "http",
    },
  });
}, 20 * 60_000);

afterAll(async () => {
  await swarm.removeStack(PREVIEW, { deadline: Date.now() + 120_000 }).catch(() => undefined);
  await pool.closeAll();
  try {
    docker(["stack", "rm", STACK]);
    await waitFor(
      "Berth's stack to be gone",
      () => (docker(["ps", "-aq", "--filter", `label=com.docker.stack.namespace=${STACK}`]) === "" ? true : undefined),
      120_000,
      1000,
    );
  } catch {
    // the stack never came up
  }
  for (const secret of SECRETS) execFile("docker", ["secret", "rm", secret], () => undefined);
  execFile("docker", ["config", "rm", `${STACK}_deploy_config_1`], () => undefined);
  execFile("docker", ["volume", "rm", `${STACK}_redis-data`], () => undefined);
  await github?.close();
  rmSync(dir, { recursive: true, force: true });
}, 300_000);

describe("Berth deployed to the Swarm with deploy/berth-stack.yml", () => {
  it("server, worker and Redis run as services and pass their health checks", async () => {
    for (const service of ["redis", "server", "worker"])
      await waitFor(
        `${STACK}_${service} 1/1`,
        () => (serviceReplicas(`${STACK}_${service}`) === "1/1" ? true : undefined),
        240_000,
        2000,
      );
    const health = await fetch(`http://127.0.0.1:${SERVER_PORT}/healthz`);
    expect(health.status).toBe(200);
    // Docker ran the image's health check in each container (not only "process is up").
    for (const service of ["server", "worker", "redis"]) {
      const id = docker(["ps", "-q", "--filter", `label=com.docker.swarm.service.name=${STACK}_${service}`]);
      await waitFor(
        `${service} healthy`,
        () => (docker(["inspect", "-f", "{{.State.Health.Status}}", id]) === "healthy" ? true : undefined),
        120_000,
        2000,
      );
    }
  });

  it("a signed webhook to the containerized server → the containerized worker deploys the preview over SSH", async () => {
    const sha = randomBytes(20).toString("hex");
    const res = await sendWebhook({
      url: `http://127.0.0.1:${SERVER_PORT}/api/github/webhooks`,
      event: "pull_request",
      payload: loadPayload("pull_request.opened", { number: PR, headSha: sha, repository: REPOSITORY }),
      secret: webhookSecret,
    });
    expect(res.status).toBe(200);
    const unsigned = await sendWebhook({
      url: `http://127.0.0.1:${SERVER_PORT}/api/github/webhooks`,
      event: "pull_request",
      payload: loadPayload("pull_request.opened", { number: PR, headSha: sha, repository: REPOSITORY }),
      secret: "not-the-secret",
    });
    expect(unsigned.status).toBeGreaterThanOrEqual(400); // the secret came from the Swarm secret, not a default

    const success = await waitFor(
      "the deployment status success on the stand-in",
      () => github.requests.find((r) => r.method === "POST" && /statuses$/.test(r.path) && r.body.state === "success"),
      240_000,
      1000,
    );
    expect(success.path).toContain(`/repos/${REPOSITORY}/deployments/`);
    expect(success.body.environment_url).toBe(`http://127.0.0.1:${PREVIEW_PORT}`);
    expect(await (await fetch(`http://127.0.0.1:${PREVIEW_PORT}/`)).text()).toContain(`sha=${sha}`);
  });

  it("the queue lived in the stack's Redis, with AOF on its volume", async () => {
    const redis = new Redis(`redis://127.0.0.1:${REDIS_PORT}`);
    try {
      expect(await redis.config("GET", "appendonly")).toEqual(["appendonly", "yes"]);
      expect(await redis.config("GET", "maxmemory-policy")).toEqual(["maxmemory-policy", "noeviction"]);
      expect((await redis.keys(`${STACK}:berth-deploys:*`)).length).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
    const shared = new Redis(infra.REDIS_URL!);
    expect(await shared.keys(`${STACK}:*`)).toEqual([]); // not the development Redis
    shared.disconnect();
    const mount = docker(["volume", "inspect", "-f", "{{.Mountpoint}}", `${STACK}_redis-data`]);
    expect(mount).not.toBe("");
    const redisId = docker(["ps", "-q", "--filter", `label=com.docker.swarm.service.name=${STACK}_redis`]);
    expect(docker(["exec", redisId, "redis-cli", "-p", String(REDIS_PORT), "config", "get", "dir"])).toContain("/data");
  });
});
