// The audit trail and the status page's environment records on a real Redis: order, filters, the retention bound
// (XADD MAXLEN ~), `berth audit` reading them; and the status route on a real HTTP server (404 when off).
import { afterAll, describe, expect, it } from "vitest";
import { createServer } from "node:http";
import { once } from "node:events";
import pino from "pino";
import { testRedis } from "../helpers/redis.js";
import { createAuditLog } from "../../app/adapters/redis/audit.js";
import { createEnvironmentStateStore } from "../../app/adapters/redis/environment-states.js";
import { berthKeys } from "../../app/queue/keys.js";
import { cli } from "../../app/main/cli.js";
import { statusRoute } from "../../app/main/status-page/route.js";
import type { AuditEntry } from "../../app/ports/audit.js";

const r = testRedis();
afterAll(() => r.cleanup());
const SHA = "0123456789abcdef0123456789abcdef01234567";
const entry = (over: Partial<AuditEntry>): AuditEntry => ({
  at: Date.now(),
  who: "alice",
  action: "deploy",
  repository: "acme/mon",
  environment: "pr-1",
  sha: SHA,
  result: "deployed",
  detail: "preview, pull_request",
  ...over,
});

describe("audit trail on Redis", () => {
  it("lists newest first, filters by repository (any case), environment and since, honours the limit", async () => {
    const audit = createAuditLog(r.redis, `${r.prefix}-a`);
    await audit.append(entry({ environment: "pr-1", result: "deployed" }));
    await audit.append(entry({ repository: "acme/other", environment: "staging" }));
    await new Promise((res) => setTimeout(res, 20));
    const between = Date.now();
    await new Promise((res) => setTimeout(res, 5));
    await audit.append(entry({ environment: "pr-1", action: "teardown", result: "torn-down" }));
    await audit.append(entry({ environment: "pr-2", action: "command", result: "refused", who: "mallory" }));

    const all = await audit.list();
    expect(all.map((e) => [e.environment, e.result])).toEqual([
      ["pr-2", "refused"],
      ["pr-1", "torn-down"],
      ["staging", "deployed"],
      ["pr-1", "deployed"],
    ]);
    expect((await audit.list({ repository: "ACME/Mon", environment: "pr-1" })).map((e) => e.result)).toEqual([
      "torn-down",
      "deployed",
    ]);
    expect((await audit.list({ since: between })).map((e) => e.environment)).toEqual(["pr-2", "pr-1"]);
    expect(await audit.list({ limit: 1 })).toHaveLength(1);
  });

  it("keeps a bounded stream: MAXLEN ~ trims the oldest entries", async () => {
    const prefix = `${r.prefix}-b`;
    const audit = createAuditLog(r.redis, prefix, 100);
    for (let i = 0; i < 1000; i += 1) await audit.append(entry({ detail: `n${i}` }));
    const length = await r.redis.xlen(berthKeys(prefix).audit());
    // "~" lets Redis trim whole nodes (100 entries each by default): about the bound, never the 1000 appended.
    expect(length).toBeGreaterThanOrEqual(100);
    expect(length).toBeLessThanOrEqual(300);
    const newest = await audit.list({ limit: 3 });
    expect(newest.map((e) => e.detail)).toEqual(["n999", "n998", "n997"]);
    // A filtered read walks pages of the stream (500 a page) and still finds older matches.
    const big = createAuditLog(r.redis, `${prefix}-paged`);
    await big.append(entry({ repository: "acme/rare", detail: "rare" }));
    const pipeline = r.redis.pipeline();
    for (let i = 0; i < 1200; i += 1)
      pipeline.xadd(berthKeys(`${prefix}-paged`).audit(), "*", "e", JSON.stringify(entry({ detail: `m${i}` })));
    await pipeline.exec();
    expect((await big.list({ repository: "acme/rare" })).map((e) => e.detail)).toEqual(["rare"]);
  });

  it("berth audit prints the entries, --json for scripts, wrong usage exits 2", async () => {
    const prefix = `${r.prefix}-c`;
    const audit = createAuditLog(r.redis, prefix);
    await audit.append(entry({ at: Date.parse("2026-12-01T10:00:00Z"), environment: "pr-7", detail: "old" }));
    await audit.append(
      entry({ who: "bob", action: "approval", environment: "pr-8", result: "ok", detail: "/approve" }),
    );
    const env = { REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379", BERTH_QUEUE_PREFIX: prefix };
    const run = async (...args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await cli(
        ["audit", ...args],
        env,
        (l) => out.push(l),
        (l) => err.push(l),
      );
      return { code, out, err };
    };
    const text = await run("acme/mon");
    expect(text.code).toBe(0);
    expect(text.out).toHaveLength(2);
    expect(text.out[0]).toMatch(/^\S+Z {2}bob {2}approval {2}acme\/mon {2}pr-8 {2}0123456 {2}ok {2}\/approve$/);
    const recent = await run("--since", "1h", "--json");
    expect(JSON.parse(recent.out.join("\n"))).toEqual({
      ok: true,
      entries: [expect.objectContaining({ who: "bob", action: "approval" })],
    });
    expect((await run("acme/nothing")).out).toEqual([`no audit entries for acme/nothing (prefix ${prefix})`]);
    for (const bad of [["--since", "yesterday"], ["--bogus"], ["a", "b"], ["not-a-repo"], ["--limit", "0"]]) {
      const res = await run(...bad);
      expect(res.code).toBe(2);
      expect(res.err.join("\n")).toContain("berth audit [owner/repo]");
    }
    expect((await run("--help")).code).toBe(0);
  });
});

describe("environment records on Redis", () => {
  it("put, note the trigger, list and remove", async () => {
    const store = createEnvironmentStateStore(r.redis, `${r.prefix}-d`);
    const state = {
      repository: "acme/Mon",
      environment: "pr-3",
      app: "mon",
      stack: "mon-pr-3",
      pr: 3,
      sha: SHA,
      health: "healthy" as const,
      services: [{ service: "web", running: 1, desired: 1 }],
      since: 1,
      updatedAt: 2,
    };
    await store.put(state);
    await store.noteTrigger("acme/mon", "pr-3", { at: 3, by: "alice", trigger: "pull_request" });
    await store.noteTrigger("acme/mon", "pr-404", { at: 3, by: "alice", trigger: "pull_request" });
    expect(await store.all()).toEqual([{ ...state, lastDeploy: { at: 3, by: "alice", trigger: "pull_request" } }]);
    await store.remove("ACME/mon", "pr-3");
    expect(await store.all()).toEqual([]);
  });
});

describe("status route on a real HTTP server", () => {
  async function serve(token: string | undefined) {
    const prefix = `${r.prefix}-e`;
    const route = statusRoute({
      token,
      log: pino({ level: "silent" }),
      states: createEnvironmentStateStore(r.redis, prefix),
      audit: createAuditLog(r.redis, prefix),
      auditBound: 10_000,
      now: () => Date.now(),
    });
    const server = createServer((req, res) => {
      if (!route(req, res)) res.writeHead(418).end();
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    return { url, close: () => new Promise((res) => server.close(res)) };
  }

  it("is off (404) without BERTH_STATUS_TOKEN, even with a bearer", async () => {
    const s = await serve(undefined);
    expect((await fetch(`${s.url}/status`)).status).toBe(404);
    expect((await fetch(`${s.url}/status`, { headers: { authorization: "Bearer x" } })).status).toBe(404);
    expect((await fetch(`${s.url}/status/login`, { method: "POST", body: "token=x" })).status).toBe(404);
    expect((await fetch(`${s.url}/other`)).status).toBe(418);
    await s.close();
  });

  it("with a token: 401 + login form, 401 for a wrong token, 303 + cookie for the right one, 200 with it", async () => {
    const token = "integration-status-token-1234";
    const s = await serve(token);
    const none = await fetch(`${s.url}/status`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    expect(await none.text()).toContain('action="/status/login"');
    const form = (t: string) =>
      fetch(`${s.url}/status/login`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token: t }).toString(),
      });
    expect((await form("wrong")).status).toBe(401);
    const ok = await form(token);
    expect(ok.status).toBe(303);
    const cookie = ok.headers.get("set-cookie")!.split(";")[0]!;
    const page = await fetch(`${s.url}/status`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(await page.text()).toContain("No live environments.");
    await s.close();
  });
});
