// Webhooks lost while Berth was down (GitHub does not redeliver on its own): one PR closed, another pushed. The
// sweeper's reconciliation pass compares the previews labelled on the Swarm with the PRs on GitHub: the orphan stack
// is removed and the stale preview redeployed within one sweep interval. App faultrec, PRs 1060–1061.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  body,
  faultConfigYaml,
  removeStack,
  sha,
  stackServices,
  startFaultBot,
  PORT_BASE,
  type FaultBot,
} from "../helpers/fault-bot.js";
import { setPullRequest } from "../../scripts/github-stand-in/routes-commands.js";
import { waitFor } from "../../scripts/lib/wait-for.js";
import { recordReliability } from "../helpers/reliability.js";

const APP = "faultrec";
const REPO = `acme/${APP}`;
const CLOSED = 1060;
const PUSHED = 1061;
const SWEEP_SECONDS = 15;
const url = (pr: number) => `http://127.0.0.1:${PORT_BASE + pr}`;
let bot: FaultBot;

beforeAll(async () => {
  bot = await startFaultBot({
    configs: { [`${APP}.yml`]: faultConfigYaml({ app: APP }) },
    extraEnv: { BERTH_SWEEP_INTERVAL_SECONDS: String(SWEEP_SECONDS) },
  });
});
afterAll(async () => {
  await bot?.close();
  for (const pr of [CLOSED, PUSHED]) removeStack(`${APP}-pr-${pr}`);
});

describe("webhooks lost while Berth was down", () => {
  it("a PR closed and a PR pushed meanwhile: orphan removed, stale preview redeployed within one sweep", async () => {
    const first: Record<number, string> = { [CLOSED]: sha(), [PUSHED]: sha() };
    for (const pr of [CLOSED, PUSHED]) {
      setPullRequest(bot.github.state, REPO, { number: pr, headSha: first[pr]! } as never);
      expect(await bot.pr("opened", APP, pr, first[pr]!)).toBe(200);
    }
    await waitFor(
      "both previews serving",
      async () =>
        (await body(url(CLOSED))) === `berth-test-web sha=${first[CLOSED]}` &&
        (await body(url(PUSHED))) === `berth-test-web sha=${first[PUSHED]}`
          ? true
          : undefined,
      240_000,
      500,
    );
    // Berth goes down; on GitHub one PR is closed and the other gets a push; their webhooks are lost.
    const newer = sha();
    let upAt = 0;
    await bot.restart({
      whileDown: () => {
        setPullRequest(bot.github.state, REPO, { number: CLOSED, headSha: first[CLOSED]!, state: "closed" } as never);
        setPullRequest(bot.github.state, REPO, { number: PUSHED, headSha: newer } as never);
      },
    });
    upAt = Date.now();
    await waitFor(
      "the orphan removed and the stale preview at the head",
      async () =>
        stackServices(`${APP}-pr-${CLOSED}`).length === 0 && (await body(url(PUSHED))) === `berth-test-web sha=${newer}`
          ? true
          : undefined,
      SWEEP_SECONDS * 1000 + 150_000,
      500,
    );
    const recoverMs = Date.now() - upAt;
    // "Within one sweep interval": the first sweep after the restart replayed both lost webhooks (its log line is
    // the moment the teardown and the deploy were queued), not a later one.
    const replayed = bot.berth
      .output()
      .split("\n")
      .filter((l) => l.startsWith("{") && l.includes("lost webhooks replayed"))
      .map((l) => JSON.parse(l) as { time: number; removed: string[]; redeployed: string[] });
    expect(replayed[0]).toMatchObject({ removed: [`${REPO}#${CLOSED}`], redeployed: [`${REPO}#${PUSHED}`] });
    expect(replayed[0]!.time - upAt).toBeLessThanOrEqual(SWEEP_SECONDS * 1000 + 5_000);
    const closedComment = [...bot.github.state.comments.values()].find((c) => c.issue === CLOSED);
    await waitFor(
      "the closed PR's comment to say torn down",
      () =>
        /torn down/i.test(String([...bot.github.state.comments.values()].find((c) => c.issue === CLOSED)?.body))
          ? true
          : undefined,
      60_000,
      250,
    );
    expect(closedComment).toBeDefined();
    // Reports go through the write scheduler and no longer hold the job: the check run's final state may land a moment
    // after the preview serves, so wait for it (a bounded wait; the conclusion must still be success).
    const newerRun = await waitFor(
      "the redeploy's check run completed",
      () => [...bot.github.state.checkRuns.values()].find((r) => r.head_sha === newer && r.status === "completed"),
      60_000,
      250,
    );
    expect(newerRun.conclusion).toBe("success");
    // One sweep queued the fix: the deploy ran once.
    expect([...bot.github.state.checkRuns.values()].filter((r) => r.head_sha === newer)).toHaveLength(1);
    recordReliability({
      area: "fault",
      what: "webhooks lost while Berth was down",
      injected: "Berth stopped; on GitHub PR 1060 closed and PR 1061 pushed (no webhooks); Berth started",
      berthDid: `the sweeper (every ${SWEEP_SECONDS} s) compared Swarm stacks with GitHub: removed the orphan, redeployed the head`,
      recoverMs,
      lost: "nothing (no orphan stack, the PR head serves)",
    });
  }, 480_000);
});
