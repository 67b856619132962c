// Pure parts of metrics, audit and the status page: what a job means for the audit trail, deploy phase timing from
// reported views, the environment record the status page shows, HTML escaping, the status page's access rules.
import { describe, expect, it } from "vitest";
import type { IncomingMessage } from "node:http";
import pino from "pino";
import { auditEntryFor } from "../../app/jobs/audit-entry.js";
import { observeJobs } from "../../app/jobs/observe-job.js";
import { allWatchers, environmentTracker } from "../../app/jobs/track-environment.js";
import type { JobData } from "../../app/jobs/job-data.js";
import type { AuditEntry } from "../../app/ports/audit.js";
import type { EnvironmentState, EnvironmentStateStore } from "../../app/ports/environment-states.js";
import type { EnvironmentView } from "../../app/core/report/view-model.js";
import { createBerthMetrics } from "../../app/adapters/metrics/berth-metrics.js";
import { deployPhaseWatcher, promJobMetrics } from "../../app/adapters/metrics/deploy-phases.js";
import { renderLoginPage, renderStatusPage } from "../../app/core/status-page/render.js";
import { esc, safeHref } from "../../app/core/status-page/html.js";
import { environmentKind } from "../../app/core/status-page/environment-kind.js";
import { accessOf, sessionCookie, sessionValue } from "../../app/main/status-page/auth.js";
import { auditLine, parseSince } from "../../app/main/cli/audit-command.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const base = { repository: "acme/mon", installationId: 7, deliveryId: "d1", sender: "alice", receivedAt: 1_000 };
const log = pino({ level: "silent" });

function fakeClock(start = 10_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms), sleep: async () => undefined };
}

function memoryStates(): EnvironmentStateStore & { map: Map<string, EnvironmentState> } {
  const map = new Map<string, EnvironmentState>();
  const k = (r: string, e: string) => `${r.toLowerCase()}#${e}`;
  return {
    map,
    get: async (r, e) => map.get(k(r, e)),
    put: async (s) => void map.set(k(s.repository, s.environment), s),
    noteTrigger: async (r, e, lastDeploy) => {
      const s = map.get(k(r, e));
      if (s) map.set(k(r, e), { ...s, lastDeploy });
    },
    remove: async (r, e) => void map.delete(k(r, e)),
    all: async () => [...map.values()],
  };
}

function view(phase: EnvironmentView["phase"], extra: Partial<EnvironmentView> = {}): EnvironmentView {
  return {
    repository: "acme/mon",
    app: "mon",
    environment: "pr-5",
    stack: "mon-pr-5",
    pr: 5,
    sha: SHA,
    phase,
    url: "http://127.0.0.1:27105",
    services: [{ service: "web", fullName: "mon-pr-5_web", image: "x", desired: 2, running: 2 }],
    startedAt: 10_000,
    ...extra,
  };
}

describe("audit entries", () => {
  const deploy: JobData = { ...base, kind: "deploy-preview", pr: 5, sha: SHA };
  it("a deploy: who, what, where, commit, result and the URL", () => {
    expect(auditEntryFor(deploy, { outcome: "deployed", url: "http://x", durationMs: 5 }, 42)).toEqual({
      at: 42,
      who: "alice",
      action: "deploy",
      repository: "acme/mon",
      environment: "pr-5",
      sha: SHA,
      result: "deployed",
      detail: "preview, pull_request — http://x",
    });
  });
  it("refusals, approvals, evictions, expiries, errors; nothing for sweeps and skipped jobs", () => {
    const command = (body: string): JobData => ({
      ...base,
      kind: "command",
      pr: 5,
      commentId: 1,
      body,
      authorAssociation: "MEMBER",
    });
    expect(auditEntryFor(command("/approve"), { outcome: "done", detail: "" }, 1)).toMatchObject({
      action: "approval",
      result: "ok",
      detail: "/approve",
    });
    expect(
      auditEntryFor(command("please\n/scale web 9"), { outcome: "failed", reason: "no", refused: true }, 1),
    ).toMatchObject({ action: "command", result: "refused", detail: "/scale web 9 — no" });
    expect(auditEntryFor(command("/redeploy"), { outcome: "failed", reason: "unhealthy" }, 1)).toMatchObject({
      result: "failed",
    });
    const teardown = (reason: "expired" | "evicted" | "closed"): JobData => ({
      ...base,
      kind: "teardown-preview",
      pr: 5,
      sha: "",
      reason,
    });
    expect(auditEntryFor(teardown("expired"), { outcome: "torn-down", durationMs: 1 }, 1)?.action).toBe("expiry");
    expect(auditEntryFor(teardown("evicted"), { outcome: "torn-down", durationMs: 1 }, 1)?.action).toBe("eviction");
    expect(auditEntryFor(teardown("closed"), { outcome: "torn-down", durationMs: 1 }, 1)).toMatchObject({
      action: "teardown",
      result: "torn-down",
      detail: "closed",
    });
    expect(auditEntryFor(deploy, { error: "ssh down" }, 1)).toMatchObject({ result: "error", detail: /ssh down/ });
    expect(auditEntryFor(deploy, { outcome: "skipped", reason: "no config" }, 1)).toBeNull();
    const sweep: JobData = { kind: "sweep-previews", deliveryId: "s", receivedAt: 1, sender: "berth" };
    expect(auditEntryFor(sweep, { outcome: "done", detail: "" }, 1)).toBeNull();
    const rollback: JobData = {
      ...base,
      kind: "deploy-environment",
      environment: "production",
      target: { kind: "release-of-commit", sha: SHA },
    };
    expect(auditEntryFor(rollback, { outcome: "deployed", url: "u", durationMs: 1 }, 1)).toMatchObject({
      action: "rollback",
      environment: "production",
    });
  });
});

describe("observeJobs", () => {
  it("appends a redacted audit entry, notes who triggered the deploy, counts the job; rethrows errors", async () => {
    const entries: AuditEntry[] = [];
    const states = memoryStates();
    await states.put({ ...view("success"), health: "healthy", services: [], since: 1, updatedAt: 1 } as never);
    const metrics = createBerthMetrics({ defaultMetrics: false });
    const clock = fakeClock(5_000);
    const observers = {
      audit: { append: async (e: AuditEntry) => void entries.push(e), list: async () => [] },
      states,
      metrics: promJobMetrics(metrics),
      clock,
      log,
      redact: (t: string) => t.replaceAll("hunter22", "[redacted]"),
    };
    const ok = observeJobs(async () => ({ outcome: "deployed", url: "u", durationMs: 1 }) as const, observers);
    await ok({ ...base, kind: "deploy-preview", pr: 5, sha: SHA, trigger: "redeploy" }, {});
    expect(states.map.get("acme/mon#pr-5")?.lastDeploy).toEqual({ at: 5_000, by: "alice", trigger: "redeploy" });
    const failing = observeJobs(async () => {
      throw new Error("docker said hunter22");
    }, observers);
    await expect(failing({ ...base, kind: "deploy-preview", pr: 5, sha: SHA }, {})).rejects.toThrow("hunter22");
    expect(entries.map((e) => [e.result, e.detail])).toEqual([
      ["deployed", "preview, redeploy — u"],
      ["error", "preview, pull_request — docker said [redacted]"],
    ]);
    const text = await metrics.registry.metrics();
    expect(text).toContain('berth_jobs_total{kind="deploy-preview",outcome="deployed"} 1');
    expect(text).toContain('berth_jobs_total{kind="deploy-preview",outcome="error"} 1');
    expect(text).toContain('berth_deploy_phase_seconds_count{phase="queue_wait",environment_kind="preview"} 2');
  });
});

describe("deploy phases from reported views", () => {
  it("times each phase between changes, counts one result per job, and the report's send time", async () => {
    const metrics = createBerthMetrics({ defaultMetrics: false });
    const clock = fakeClock(10_000);
    const w = deployPhaseWatcher(metrics, clock);
    clock.advance(1_000); // render took 1 s (from startedAt)
    w.viewed(view("rendering"));
    w.viewed(view("deploying"));
    clock.advance(500);
    w.viewed(view("converging"));
    clock.advance(3_000);
    w.viewed(view("converging")); // a progress tick: no phase change
    w.viewed(view("probing"));
    clock.advance(250);
    w.viewed(view("success"));
    w.viewed(view("success")); // sent again: not a second deploy
    await w.reported(view("success"), 1200);
    const sum = async (phase: string) =>
      (await metrics.deployPhase.get()).values.find(
        (v) => v.metricName === "berth_deploy_phase_seconds_sum" && v.labels.phase === phase,
      )?.value;
    expect(await sum("render")).toBe(1);
    expect(await sum("apply")).toBe(0.5);
    expect(await sum("converge")).toBe(3);
    expect(await sum("probe")).toBe(0.25);
    expect(await sum("report")).toBe(1.2);
    w.viewed(view("refused", { startedAt: 20_000, environment: "staging" }));
    const deploys = (await metrics.deploys.get()).values.map((v) => [
      v.labels.result,
      v.labels.environment_kind,
      v.value,
    ]);
    expect(deploys).toEqual([
      ["success", "preview", 1],
      ["refused", "staging", 1],
    ]);
  });
  it("environment kinds", () => {
    expect(["pr-12", "staging", "production", "pr-x"].map(environmentKind)).toEqual([
      "preview",
      "staging",
      "production",
      "other",
    ]);
  });
});

describe("the status page's record of an environment", () => {
  it("success writes (keeping since), failed update marks failing, failed first deploy writes nothing, teardown removes", async () => {
    const states = memoryStates();
    const clock = fakeClock(50_000);
    const t = allWatchers(environmentTracker(states, clock, log));
    await t.reported(view("failure", { reason: "tasks failing" }), 0);
    expect(states.map.size).toBe(0);
    await t.reported(view("success", { finishedAt: 49_000 }), 0);
    expect(states.map.get("acme/mon#pr-5")).toMatchObject({
      health: "healthy",
      since: 49_000,
      services: [{ service: "web", running: 2, desired: 2 }],
      url: "http://127.0.0.1:27105",
    });
    clock.advance(10_000);
    await t.reported(view("failure", { reason: "rolled back", sha: "f".repeat(40) }), 0);
    expect(states.map.get("acme/mon#pr-5")).toMatchObject({ health: "failing", note: "rolled back", sha: SHA });
    await t.reported(view("success", { finishedAt: 70_000, sha: "e".repeat(40) }), 0);
    expect(states.map.get("acme/mon#pr-5")).toMatchObject({ health: "healthy", since: 49_000 });
    await t.reported(view("torn-down"), 0);
    expect(states.map.size).toBe(0);
  });
});

describe("status page HTML", () => {
  const hostile = "<script>alert(1)</script>";
  const page = renderStatusPage({
    now: 100_000,
    auditBound: 10_000,
    environments: [
      {
        state: {
          repository: `acme/${hostile}`,
          environment: "pr-5",
          app: "mon",
          stack: "mon-pr-5",
          pr: 5,
          url: "javascript:alert(1)",
          sha: SHA,
          health: "failing",
          note: `"><img src=x onerror=alert(1)>`,
          services: [{ service: "web", running: 1, desired: 2 }],
          since: 40_000,
          updatedAt: 90_000,
          lastDeploy: { at: 90_000, by: hostile, trigger: "/scale web 2" },
        },
        ttlLeftMs: 3_600_000,
        history: [],
      },
    ],
    recent: [
      {
        at: 90_000,
        who: "bob",
        action: "command",
        repository: "acme/mon",
        environment: "pr-5",
        sha: SHA,
        result: "refused",
        detail: `/logs web' onmouseover='x`,
      },
    ],
  });
  it("escapes every value and links only http(s) URLs", () => {
    expect(page).not.toContain("<script>alert");
    expect(page).not.toContain("<img");
    expect(page).not.toMatch(/href="javascript:/);
    expect(page).toContain("<td>javascript:alert(1)</td>"); // shown as text, not a link
    expect(page).not.toContain("' onmouseover='");
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page).toContain("web 1/2");
    expect(page).toContain("1 h 0 min");
    expect(page).not.toMatch(/<script/i);
    expect(esc(`a&"'<>`)).toBe("a&amp;&quot;&#39;&lt;&gt;");
    expect(safeHref("https://x.example/a")).toBe("https://x.example/a");
    expect(safeHref("data:text/html,hi")).toBeUndefined();
  });
  it("the login form posts the token and needs no script", () => {
    const login = renderLoginPage("That token is not right.");
    expect(login).toContain('<form method="post" action="/status/login">');
    expect(login).toContain('name="token"');
    expect(login).not.toMatch(/<script/i);
  });
});

describe("status page access", () => {
  const req = (headers: Record<string, string>) => ({ headers, socket: {} }) as unknown as IncomingMessage;
  const token = "a-status-token-of-some-length";
  it("bearer or the session cookie; a wrong one of either is refused", () => {
    expect(accessOf(req({}), token)).toBe("none");
    expect(accessOf(req({ authorization: `Bearer ${token}` }), token)).toBe("granted");
    expect(accessOf(req({ authorization: `Bearer ${token}x` }), token)).toBe("wrong-token");
    expect(accessOf(req({ authorization: `Basic ${token}` }), token)).toBe("wrong-token");
    expect(accessOf(req({ cookie: `a=b; berth_status=${sessionValue(token)}` }), token)).toBe("granted");
    expect(accessOf(req({ cookie: `berth_status=${token}` }), token)).toBe("wrong-token");
    // A wrong bearer is not rescued by a good cookie.
    expect(accessOf(req({ authorization: "Bearer nope", cookie: `berth_status=${sessionValue(token)}` }), token)).toBe(
      "wrong-token",
    );
  });
  it("the cookie is HttpOnly, SameSite=Strict, scoped to /status, never the token; Secure behind HTTPS", () => {
    const c = sessionCookie(req({}), token);
    expect(c).toMatch(/^berth_status=[A-Za-z0-9_-]+; Path=\/status; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    expect(c).not.toContain(token);
    expect(sessionCookie(req({ "x-forwarded-proto": "https" }), token)).toMatch(/; Secure$/);
    expect(sessionCookie(req({}), undefined)).toContain("Max-Age=0");
  });
});

describe("berth audit arguments", () => {
  it("--since takes 30m, 2h, 7d or an ISO time", () => {
    const now = Date.parse("2026-12-02T12:00:00Z");
    expect(parseSince("30m", now)).toBe(now - 30 * 60_000);
    expect(parseSince("7d", now)).toBe(now - 7 * 86_400_000);
    expect(parseSince("2026-12-01T00:00:00Z", now)).toBe(Date.parse("2026-12-01T00:00:00Z"));
    expect(parseSince("yesterday", now)).toBeUndefined();
    expect(parseSince("5y", now)).toBeUndefined();
  });
  it("one entry per line", () => {
    expect(
      auditLine({
        at: Date.parse("2026-12-02T12:00:00.123Z"),
        who: "alice",
        action: "deploy",
        repository: "acme/mon",
        environment: "pr-5",
        sha: SHA,
        result: "deployed",
        detail: "preview,\npull_request",
      }),
    ).toBe("2026-12-02T12:00:00Z  alice  deploy  acme/mon  pr-5  0123456  deployed  preview, pull_request");
  });
});

describe("GitHub write metrics", () => {
  it("counts writes per installation from Octokit's request hook, and reads the scheduler's budget", async () => {
    const { countGitHubWrites, registerWriteSchedulerMetrics } =
      await import("../../app/adapters/metrics/github-writes.js");
    const metrics = createBerthMetrics({ defaultMetrics: false });
    const hooks: Array<(r: { headers: Record<string, unknown> }, o: { method: string }) => void> = [];
    const octokit = { hook: { after: (_: "request", fn: (typeof hooks)[number]) => void hooks.push(fn) } };
    countGitHubWrites(octokit, 42, metrics);
    countGitHubWrites(octokit, 42, metrics); // the same client is hooked once
    for (const method of ["POST", "GET", "PATCH"])
      hooks.forEach((h) => h({ headers: { "x-ratelimit-remaining": "4990" } }, { method }));
    registerWriteSchedulerMetrics(
      metrics,
      {
        stats: { sent: { final: 3, progress: 5 }, dropped: { progress: 2 }, superseded: 4, pending: 1 },
        sentInLastHour: () => 8,
      },
      () => [...metrics.installations],
      500,
    );
    const text = await metrics.registry.metrics();
    expect(text).toContain('berth_github_writes_total{installation="42"} 2');
    expect(text).toContain('berth_github_rate_limit_remaining{installation="42"} 4990');
    expect(text).toContain('berth_github_write_budget_remaining{installation="42"} 492');
    expect(text).toContain('berth_github_scheduled_writes{state="dropped_progress"} 2');
  });
});
