// The CLI against the real local Swarm through the real sshd: plan shows a new stack, then nothing once it runs,
// then a new commit; status reads the environment from the service labels; logs prints the service's lines;
// destroy removes it under the environment lock. Plus the process entry: `npx berth` and bad usage exit codes.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { cli } from "../../app/main/cli.js";
import { createSshPool } from "../../app/adapters/ssh/pool.js";
import { createSshSwarm } from "../../app/adapters/swarm/ssh-swarm.js";
import { createEnvironmentLock } from "../../app/queue/environment-lock.js";
import { infraEnv, sshTarget } from "../helpers/infra.js";
import { deletePrefix } from "../../scripts/lib/redis-prefix.js";

const run = promisify(execFile);
const infra = infraEnv();
const suffix = randomBytes(3).toString("hex");
const app = `cli${suffix}`;
const repository = `acme/cli-${suffix}`;
const pr = 1100 + Math.floor(Math.random() * 40); // cli* 1100–1139, act* 1140–1169, selfhost* 1170–1199
const stack = `${app}-pr-${pr}`;
const port = 25900 + pr; // 27000–27099
const prefix = `berth-test-cli-${suffix}`;
const env = { ...infra, BERTH_QUEUE_PREFIX: prefix, REDIS_URL: infra.REDIS_URL };
const dir = mkdtempSync(join(tmpdir(), "berth-cli-swarm-"));
writeFileSync(
  join(dir, "cli.yml"),
  `repository: ${repository}
app: ${app}
template: web-service.yml
ssh:
  host: \${BERTH_SSH_HOST}
  port: \${BERTH_SSH_PORT}
  user: \${BERTH_SSH_USER}
  privateKeyPath: \${BERTH_SSH_KEY_PATH}
  hostKey: \${BERTH_SSH_HOST_KEY}
routing: { mode: host-port, domain: preview.localhost, previewPortBase: 25900 }
preview: { healthTimeoutSeconds: 120 }
services:
  web:
    image: \${BERTH_TEST_IMAGE}
    public: true
    port: 8080
    healthPath: /healthz
    resources: { limits: { cpus: 0.25, memory: 32M } }
`,
);
const pool = createSshPool();
const swarm = createSshSwarm(sshTarget(), pool);

async function berth(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await cli(
    [...args, "--config-dir", dir],
    env,
    (s) => out.push(s),
    (s) => err.push(s),
  );
  return { code, out: out.join("\n"), err: err.join("\n") };
}
const json = <T>(r: { out: string }) => JSON.parse(r.out) as T;
const sha1 = randomBytes(20).toString("hex");
const sha2 = randomBytes(20).toString("hex");

afterAll(async () => {
  await swarm.removeStack(stack, { deadline: Date.now() + 120_000 }).catch(() => undefined);
  await pool.closeAll();
  await deletePrefix(infra.REDIS_URL!, prefix);
  rmSync(dir, { recursive: true, force: true });
});

describe("berth plan / status / logs / destroy on the local Swarm", () => {
  it("plan of an environment that does not run: the stack and its service are created", async () => {
    const r = await berth("plan", repository, `pr-${pr}`, "--sha", sha1);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`+ stack ${stack} (new: nothing of it runs now)`);
    expect(r.out).toContain(`+ service web: ${infra.BERTH_TEST_IMAGE}, 1 replica`);
    expect((await berth("status", repository)).out).toBe(`no live environments of ${repository}`);
  });

  it("deployed as Berth renders it: plan shows no change for that commit, the new commit for another", async () => {
    const rendered = json<{ yaml: string }>(await berth("render", repository, `pr-${pr}`, "--sha", sha1, "--json"));
    await swarm.deployStack(stack, rendered.yaml);
    const outcome = await swarm.waitForStack(stack, {
      deadline: Date.now() + 150_000,
      since: Date.now(),
      maxFailedTasks: 3,
    });
    expect(outcome.ok).toBe(true);

    const same = await berth("plan", repository, `pr-${pr}`, "--sha", sha1, "--json");
    expect(same.code).toBe(0);
    const doc = json<{ changes: unknown[]; current: { services: { networks: string[] }[] } }>(same);
    expect(doc.changes).toEqual([]);
    expect(doc.current.services[0]!.networks).toEqual([`${stack}_berth`]);
    expect((await berth("plan", repository, `pr-${pr}`, "--sha", sha1)).out).toContain("no changes");

    const next = await berth("plan", repository, `pr-${pr}`, "--sha", sha2);
    expect(next.out).toContain(`~ service web: commit ${sha1.slice(0, 12)} → ${sha2.slice(0, 12)}`);
    expect(next.out).not.toContain("+ stack");
  });

  it("status reads the live environment from the Swarm's labels: SHA, replicas, health, URL", async () => {
    const r = await berth("status", repository, "--json");
    expect(r.code, r.err).toBe(0);
    expect(json<{ environments: unknown[] }>(r).environments).toEqual([
      expect.objectContaining({
        repository,
        environment: `pr-${pr}`,
        app,
        stack,
        sha: sha1,
        health: "healthy",
        url: `http://127.0.0.1:${port}`,
        services: [expect.objectContaining({ service: "web", running: 1, desired: 1 })],
      }),
    ]);
    const all = await berth("status");
    expect(all.out).toMatch(new RegExp(`${repository} pr-${pr} {2}healthy {2}${sha1.slice(0, 12)} {2}web 1/1`));
  });

  it("logs prints the service's own lines; an unknown service names the ones there are", async () => {
    const r = await berth("logs", repository, `pr-${pr}`, "web", "--tail", "20");
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`berth-test-web starting: sha=${sha1}`);
    const missing = await berth("logs", repository, `pr-${pr}`, "db");
    expect(missing.code).toBe(1);
    expect(missing.err).toContain(`${stack} has no service 'db' (services: web)`);
  });

  it("destroy waits for a worker's lock (refused while held), then removes everything of the stack", async () => {
    const redis = new Redis(infra.REDIS_URL!);
    const lock = createEnvironmentLock(redis, prefix);
    const key = `${repository.toLowerCase()}#pr-${pr}`;
    const token = await lock.acquire(key, { jobId: "job-7", sha: sha1, kind: "deploy-preview" }, 60_000);
    const busy = await berth("destroy", repository, `pr-${pr}`, "--yes");
    expect(busy.code).toBe(1);
    expect(busy.err).toContain(`pr-${pr} is busy: job job-7 (deploy-preview)`);
    expect(await swarm.stackServices(stack)).toHaveLength(1);
    await lock.release(key, token!);
    redis.disconnect();

    const r = await berth("destroy", repository, `pr-${pr}`, "--yes", "--json");
    expect(r.code, r.err).toBe(0);
    expect(json(r)).toMatchObject({ ok: true, stack, existed: true });
    expect(await swarm.stackServices(stack)).toEqual([]);
    const networks = await pool.exec(sshTarget(), ["docker", "network", "ls", "-q", "--filter", `name=${stack}_`]);
    expect(networks.stdout.trim()).toBe("");
    expect((await berth("status", repository)).out).toBe(`no live environments of ${repository}`);
    expect((await berth("destroy", repository, `pr-${pr}`, "--yes")).out).toContain("was not on the Swarm");
  });
});

describe("the berth process", () => {
  it("npx berth --help and npm run berth -- --help exit 0; an unknown option exits 2 with the usage", async () => {
    expect((await run("npx", ["berth", "--help"])).stdout).toContain("usage: berth <command>");
    // The crash the issue reported: `npm run berth -- --help` died with ERR_PARSE_ARGS_UNKNOWN_OPTION.
    expect((await run("npm", ["run", "--silent", "berth", "--", "--help"])).stdout).toContain("commands:");
    const usage = await run("node", ["bin/berth.js", "status", "--frob"]).catch((e: unknown) => e);
    expect(usage).toMatchObject({ code: 2, stderr: expect.stringContaining("usage: berth status") });
    expect((usage as { stderr: string }).stderr).not.toMatch(/\n\s+at /);
  });
});
