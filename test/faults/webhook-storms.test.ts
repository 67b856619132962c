// Webhook storms on one PR: 10 copies of one delivery, 20 pushes within 5 s, and pushes delivered out of order.
// One deploy per surviving SHA, the newest SHA serves, no check run left open. App faultstorm, PR 1050.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
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
import { setPullRequest } from "../../scripts/github-stand-in/routes-commands.js";
import { waitFor } from "../../scripts/lib/wait-for.js";
import { recordReliability } from "../helpers/reliability.js";

const APP = "faultstorm";
const REPO = `acme/${APP}`;
const PR = 1050;
const STACK = `${APP}-pr-${PR}`;
const URL = `http://127.0.0.1:${PORT_BASE + PR}`;
let bot: FaultBot;

beforeAll(async () => {
  bot = await startFaultBot({ configs: { [`${APP}.yml`]: faultConfigYaml({ app: APP }) } });
});
afterAll(async () => {
  await bot?.close();
  removeStack(STACK);
});

const runs = () => [...bot.github.state.checkRuns.values()];
const head = (h: string) => setPullRequest(bot.github.state, REPO, { number: PR, headSha: h } as never);

async function settled(newest: string) {
  await waitFor(
    `${newest.slice(0, 7)} serving and every check run completed`,
    async () =>
      runs().find((r) => r.head_sha === newest)?.conclusion === "success" &&
      runs().every((r) => r.status === "completed") &&
      (await body(URL)) === `berth-test-web sha=${newest}`
        ? true
        : undefined,
    300_000,
    500,
  );
}

function deploysPerSha(mark: number): Map<string, number> {
  const per = new Map<string, number>();
  for (const d of writes(bot.since(mark), REPO).deployments) per.set(d.body.ref, (per.get(d.body.ref) ?? 0) + 1);
  return per;
}

describe("webhook storms", () => {
  it("10 copies of one delivery → one job, one check run, one deployment", async () => {
    const h = sha();
    head(h);
    const delivery = randomUUID();
    const started = Date.now();
    const statuses = await Promise.all(Array.from({ length: 10 }, () => bot.pr("opened", APP, PR, h, delivery)));
    expect(statuses).toEqual(Array(10).fill(200));
    await settled(h);
    expect(runs().filter((r) => r.head_sha === h)).toHaveLength(1);
    expect(deploysPerSha(0).get(h)).toBe(1);
    expect([...bot.github.state.comments.values()].filter((c) => c.issue === PR)).toHaveLength(1);
    recordReliability({
      area: "fault",
      what: "10 copies of one delivery",
      injected: "the same pull_request.opened delivery (same X-GitHub-Delivery) sent 10 times at once",
      berthDid: "one job, one check run, one deployment, one comment",
      recoverMs: Date.now() - started,
      lost: "nothing",
    });
  }, 360_000);

  it("20 pushes in 5 s → the newest serves, at most one deploy per SHA, nothing left in progress", async () => {
    const mark = bot.github.requests.length;
    const heads = Array.from({ length: 20 }, () => sha());
    const started = Date.now();
    for (const h of heads) {
      head(h);
      expect(await bot.pr("synchronize", APP, PR, h)).toBe(200);
      await sleep(250);
    }
    const newest = heads.at(-1)!;
    await settled(newest);
    const per = deploysPerSha(mark);
    expect([...per.values()].every((n) => n === 1)).toBe(true);
    expect(per.get(newest)).toBe(1);
    expect(per.size).toBeLessThan(20); // queued older pushes were dropped, not deployed one after the other
    expect([...bot.github.state.comments.values()].filter((c) => c.issue === PR)).toHaveLength(1);
    recordReliability({
      area: "fault",
      what: "20 pushes in 5 s",
      injected: "20 synchronize webhooks with distinct SHAs, 250 ms apart",
      berthDid: `deployed ${per.size} of 20 SHAs (older queued ones superseded), the newest serves; every check run completed`,
      recoverMs: Date.now() - started,
      lost: "nothing (newest SHA live, 1 comment)",
    });
  }, 360_000);

  it("pushes delivered out of order → the PR's newest head serves, the older one is not deployed over it", async () => {
    const mark = bot.github.requests.length;
    const older = sha();
    const newer = sha();
    head(newer); // GitHub's view: the PR's head is the newer commit
    const started = Date.now();
    expect(await bot.pr("synchronize", APP, PR, newer)).toBe(200);
    await sleep(300);
    expect(await bot.pr("synchronize", APP, PR, older)).toBe(200); // the older push's webhook arrives late
    await settled(newer);
    await sleep(5_000);
    expect(await body(URL)).toBe(`berth-test-web sha=${newer}`);
    const per = deploysPerSha(mark);
    expect(per.get(newer)).toBe(1);
    expect(per.get(older)).toBeUndefined();
    const olderRun = runs().find((r) => r.head_sha === older);
    if (olderRun) expect(olderRun.conclusion).toBe("cancelled");
    recordReliability({
      area: "fault",
      what: "pushes out of order",
      injected: "synchronize for the PR's head, then a late synchronize for an older commit",
      berthDid: "checked the PR's head on GitHub before deploying; the stale push was skipped (check run cancelled)",
      recoverMs: Date.now() - started,
      lost: "nothing (the head serves)",
    });
  }, 360_000);
});
