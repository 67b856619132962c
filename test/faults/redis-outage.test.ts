// Redis stops answering for 10 s mid-deploy (SIGSTOP/SIGCONT), then is restarted (AOF on): jobs complete after the
// reconnect, none is lost, none runs twice to a different result, and /healthz says 503 while Redis is gone.
// A redis-server of the test's own on port 26101, never the shared one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  body,
  faultConfigYaml,
  removeStack,
  sha,
  sleep,
  startFaultBot,
  writes,
  PORT_BASE,
  type FaultBot,
} from "../helpers/fault-bot.js";
import { waitFor } from "../../scripts/lib/wait-for.js";
import { recordReliability } from "../helpers/reliability.js";

const REDIS_PORT = 26101;
const REDIS_URL = `redis://127.0.0.1:${REDIS_PORT}`;
const APP = "faultredis";
const PRS = [1020, 1021];
let bot: FaultBot;
let redis: ChildProcess;
const dataDir = mkdtempSync(join(tmpdir(), "berth-redis-"));

async function startRedis(): Promise<void> {
  redis = spawn(
    "redis-server",
    [
      "--port",
      String(REDIS_PORT),
      "--bind",
      "127.0.0.1",
      "--dir",
      dataDir,
      "--appendonly",
      "yes",
      "--appendfsync",
      "always",
      "--save",
      "",
      "--maxmemory-policy",
      "noeviction",
    ],
    { stdio: "ignore" },
  );
  const child = redis;
  process.once("exit", () => child.kill("SIGKILL"));
  await waitFor("redis to answer", async () => ((await health(REDIS_PORT)) ? true : undefined), 10_000, 100);
}

async function health(port: number): Promise<boolean> {
  const { createConnection } = await import("node:net");
  return new Promise((resolve) => {
    const s = createConnection({ host: "127.0.0.1", port });
    s.setTimeout(500, () => (s.destroy(), resolve(false)));
    s.once("connect", () => s.write("PING\r\n"));
    s.once("data", (d) => (s.destroy(), resolve(d.toString().startsWith("+PONG"))));
    s.once("error", () => resolve(false));
  });
}

async function healthz(): Promise<number> {
  try {
    return (await fetch(`${bot.berth.url}/healthz`, { signal: AbortSignal.timeout(5000) })).status;
  } catch {
    return 0;
  }
}

function runsFor(head: string) {
  return [...bot.github.state.checkRuns.values()].filter((r) => r.head_sha === head);
}

beforeAll(async () => {
  await startRedis();
  bot = await startFaultBot({
    configs: { [`${APP}.yml`]: faultConfigYaml({ app: APP }) },
    extraEnv: { REDIS_URL },
  });
});
afterAll(async () => {
  await bot?.close();
  redis?.kill("SIGTERM");
  for (const pr of PRS) removeStack(`${APP}-pr-${pr}`);
  rmSync(dataDir, { recursive: true, force: true });
});

describe("Redis outage", () => {
  it("unresponsive for 10 s mid-deploy: /healthz 503 meanwhile, 200 after; both jobs complete once", async () => {
    const heads = [sha(), sha()];
    for (const [i, pr] of PRS.entries()) expect(await bot.pr("opened", APP, pr, heads[i]!)).toBe(200);
    await sleep(500);
    redis.kill("SIGSTOP");
    const stoppedAt = Date.now();
    await sleep(2_000);
    const during = await healthz();
    await sleep(Math.max(0, 10_000 - (Date.now() - stoppedAt)));
    redis.kill("SIGCONT");
    const resumedAt = Date.now();
    expect(during).toBe(503);
    await waitFor("/healthz 200", async () => ((await healthz()) === 200 ? true : undefined), 30_000, 200);
    await waitFor(
      "both previews reported live",
      () => (heads.every((h) => runsFor(h).at(-1)?.conclusion === "success") ? true : undefined),
      240_000,
      500,
    );
    const recoverMs = Date.now() - resumedAt;
    for (const [i, pr] of PRS.entries()) {
      expect(await body(`http://127.0.0.1:${PORT_BASE + pr}`)).toBe(`berth-test-web sha=${heads[i]}`);
      expect(runsFor(heads[i]!)).toHaveLength(1);
    }
    const w = writes(bot.since(0), `acme/${APP}`);
    expect(w.deployments).toHaveLength(2);
    expect(w.checkCreates).toHaveLength(2);
    recordReliability({
      area: "fault",
      what: "Redis unresponsive 10 s",
      injected: "SIGSTOP of Berth's Redis for 10 s while two previews deployed; SIGCONT",
      berthDid: "/healthz 503 while stopped, 200 after; both jobs finished once (1 check run, 1 deployment each)",
      recoverMs,
      lost: "nothing",
    });
  }, 300_000);

  it("restarted with AOF while a push is queued: the job survives and completes, /healthz follows Redis", async () => {
    const head = sha();
    const pr = PRS[0]!;
    // Worker busy elsewhere is not needed: the job is in Redis (AOF fsync always) the moment the webhook is answered.
    expect(await bot.pr("synchronize", APP, pr, head)).toBe(200);
    redis.kill("SIGTERM");
    await new Promise((r) => redis.once("exit", r));
    const downAt = Date.now();
    const during = await healthz();
    await sleep(3_000);
    await startRedis();
    expect(during).toBe(503);
    await waitFor("/healthz 200", async () => ((await healthz()) === 200 ? true : undefined), 30_000, 200);
    await waitFor(
      "the push reported live",
      () => (runsFor(head).at(-1)?.conclusion === "success" ? true : undefined),
      240_000,
      500,
    );
    const recoverMs = Date.now() - downAt;
    expect(await body(`http://127.0.0.1:${PORT_BASE + pr}`)).toBe(`berth-test-web sha=${head}`);
    expect(runsFor(head)).toHaveLength(1);
    recordReliability({
      area: "fault",
      what: "Redis restarted (AOF on)",
      injected: "Redis stopped (SIGTERM) right after a push was acknowledged, started again 3 s later from its AOF",
      berthDid: "/healthz 503 while down; reconnected, the queued job ran once and the new SHA serves",
      recoverMs,
      lost: "nothing (the job survived in the AOF)",
    });
  }, 300_000);
});
