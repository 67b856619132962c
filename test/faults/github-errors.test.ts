// GitHub answers 502 for a run of writes, then a secondary rate limit (403 + retry-after) mid-deploy: the reports
// arrive after the wait, the final state is not lost, and the PR has exactly one comment.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  faultConfigYaml,
  removeStack,
  sha,
  startFaultBot,
  writes,
  body,
  PORT_BASE,
  type FaultBot,
} from "../helpers/fault-bot.js";
import { waitFor } from "../../scripts/lib/wait-for.js";
import { recordReliability } from "../helpers/reliability.js";

const APP = "faultgh";
const PR = 1001;
const STACK = `${APP}-pr-${PR}`;
const REPO = `acme/${APP}`;
let bot: FaultBot;

beforeAll(async () => {
  bot = await startFaultBot({ configs: { [`${APP}.yml`]: faultConfigYaml({ app: APP }) } });
});
afterAll(async () => {
  await bot?.close();
  removeStack(STACK);
});

/** The newest state GitHub holds for the PR's check run and deployment, once both are final. */
async function finalStateFor(head: string, timeoutMs: number) {
  return waitFor(
    "a final check run and deployment status for the head",
    () => {
      const s = bot.github.state;
      const run = [...s.checkRuns.values()].filter((r) => r.head_sha === head).at(-1);
      const dep = [...s.deployments.values()].filter((d) => d.sha === head || d.ref === head).at(-1);
      const status = dep ? s.statuses.get(dep.id)?.[0] : undefined;
      return run?.status === "completed" && status && status.state !== "in_progress" && status.state !== "queued"
        ? { run, status }
        : undefined;
    },
    timeoutMs,
    250,
  );
}

describe("GitHub errors while reporting", () => {
  it("502 × 5 on the first writes: the preview still deploys and every final report arrives, one comment", async () => {
    const head = sha();
    const started = Date.now();
    bot.github.faults.arm({ status: 502, count: 5 });
    expect(await bot.pr("opened", APP, PR, head)).toBe(200);
    const { run, status } = await finalStateFor(head, 240_000);
    const recoverMs = Date.now() - started;
    expect(bot.github.faults.state().answered.filter((a) => a.status === 502)).toHaveLength(5);
    expect(run).toMatchObject({ status: "completed", conclusion: "success" });
    expect(status.state).toBe("success");
    expect(await body(`http://127.0.0.1:${PORT_BASE + PR}`)).toBe(`berth-test-web sha=${head}`);
    await waitFor(
      "the sticky comment",
      () =>
        [...bot.github.state.comments.values()].some((c) => c.issue === PR && String(c.body).includes(head.slice(0, 7)))
          ? true
          : undefined,
      60_000,
    );
    const comments = [...bot.github.state.comments.values()].filter((c) => c.issue === PR);
    expect(comments).toHaveLength(1);
    expect(writes(bot.since(0), REPO).checkCreates).toHaveLength(1);
    recordReliability({
      area: "fault",
      what: "GitHub 502 × N",
      injected: "the next 5 writes to GitHub (check run, deployment, status, comment) answered 502",
      berthDid: "retried the writes with backoff; check run success, deployment success, preview serving the head",
      recoverMs,
      lost: "nothing (1 check run, 1 comment, final states present)",
    });
  });

  it("secondary rate limit (403, retry-after 4 s) × 3: reports wait and then arrive; no final state lost", async () => {
    const head = sha();
    const mark = bot.github.requests.length;
    bot.github.faults.arm({ status: 403, count: 3, retryAfterSeconds: 4 });
    const started = Date.now();
    expect(await bot.pr("synchronize", APP, PR, head)).toBe(200);
    const { run, status } = await finalStateFor(head, 240_000);
    const recoverMs = Date.now() - started;
    const limited = bot.github.faults.state().answered.filter((a) => a.status === 403);
    expect(limited).toHaveLength(3);
    // Nothing written again before retry-after passed.
    const firstLimited = limited[0]!.at;
    const nextWrite = bot.github.requests
      .slice(mark)
      .find((r) => r.at > firstLimited && r.method !== "GET" && r.status < 300 && !r.path.endsWith("/access_tokens"));
    expect(nextWrite).toBeDefined();
    expect(nextWrite!.at - firstLimited).toBeGreaterThanOrEqual(3_900);
    expect(run).toMatchObject({ status: "completed", conclusion: "success" });
    expect(status.state).toBe("success");
    await waitFor(
      "the comment to name the new head",
      () =>
        [...bot.github.state.comments.values()].some((c) => c.issue === PR && String(c.body).includes(head.slice(0, 7)))
          ? true
          : undefined,
      60_000,
    );
    expect([...bot.github.state.comments.values()].filter((c) => c.issue === PR)).toHaveLength(1);
    expect(await body(`http://127.0.0.1:${PORT_BASE + PR}`)).toBe(`berth-test-web sha=${head}`);
    recordReliability({
      area: "fault",
      what: "GitHub secondary rate limit",
      injected: '3 writes answered 403 "secondary rate limit" with retry-after: 4',
      berthDid: "waited retry-after before writing again; final check run and deployment status success",
      recoverMs,
      lost: "nothing (final states present, exactly 1 comment)",
    });
  });
});
