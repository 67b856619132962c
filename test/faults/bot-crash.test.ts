// The bot process is SIGKILLed mid-deploy and started again: the stalled job is recovered, the preview converges to
// the newest SHA, no check run is left queued or in progress, and nothing is duplicated.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  body,
  faultConfigYaml,
  removeStack,
  sha,
  stackServices,
  startFaultBot,
  writes,
  PORT_BASE,
  type FaultBot,
} from "../helpers/fault-bot.js";
import { waitFor } from "../../scripts/lib/wait-for.js";
import { recordReliability } from "../helpers/reliability.js";

const APP = "faultkill";
const PR = 1002;
const STACK = `${APP}-pr-${PR}`;
const REPO = `acme/${APP}`;
const URL = `http://127.0.0.1:${PORT_BASE + PR}`;
let bot: FaultBot;

beforeAll(async () => {
  bot = await startFaultBot({ configs: { [`${APP}.yml`]: faultConfigYaml({ app: APP }) } });
});
afterAll(async () => {
  await bot?.close();
  removeStack(STACK);
});

describe("bot SIGKILLed mid-deploy", () => {
  it("restarted: the stalled job is recovered, the newest SHA serves, no check run left open, nothing duplicated", async () => {
    const first = sha();
    expect(await bot.pr("opened", APP, PR, first)).toBe(200);
    // Mid-deploy: the stack exists on the Swarm but the job has not reported its end.
    await waitFor(
      "the stack on the Swarm and the first check run open",
      () =>
        stackServices(STACK).length > 0 && [...bot.github.state.checkRuns.values()].some((r) => r.head_sha === first)
          ? true
          : undefined,
      120_000,
      100,
    );
    expect([...bot.github.state.checkRuns.values()].some((r) => r.status === "completed")).toBe(false);
    const killedAt = Date.now();
    await bot.restart({ kill: true });
    // While Berth was down a second push arrived (GitHub would have retried nothing; we deliver it after restart).
    const newest = sha();
    expect(await bot.pr("synchronize", APP, PR, newest)).toBe(200);

    await waitFor(
      "the newest SHA serving and reported",
      async () => {
        const s = bot.github.state;
        const runs = [...s.checkRuns.values()];
        const newestRun = runs.find((r) => r.head_sha === newest);
        return newestRun?.conclusion === "success" && (await body(URL)) === `berth-test-web sha=${newest}`
          ? true
          : undefined;
      },
      300_000,
      500,
    );
    const recoverMs = Date.now() - killedAt;
    // Every check run ends: the killed one is completed too (success, or cancelled as superseded).
    await waitFor(
      "every check run completed",
      () => ([...bot.github.state.checkRuns.values()].every((r) => r.status === "completed") ? true : undefined),
      120_000,
      500,
    );
    const runs = [...bot.github.state.checkRuns.values()];
    expect(runs.map((r) => r.head_sha).sort()).toEqual([first, newest].sort());
    expect(stackServices(STACK)).toEqual([`${STACK}_web 1/1`]);
    const w = writes(bot.since(0), REPO);
    expect(w.checkCreates).toHaveLength(2); // one per SHA, none re-created by the recovered job
    // At most one deployment per SHA.
    const refs = w.deployments.map((d) => d.body.ref);
    expect(new Set(refs).size).toBe(refs.length);
    // The sticky comment goes after the final states (finals are sent first), so it is waited for, not read at once.
    const names = (c: string) =>
      String([...bot.github.state.comments.values()].find((x) => x.issue === PR)?.body).includes(c.slice(0, 7));
    await waitFor("the comment to name the newest SHA", () => (names(newest) ? true : undefined), 60_000);
    expect([...bot.github.state.comments.values()].filter((c) => c.issue === PR)).toHaveLength(1);
    // The killed process's pending comment is taken over once its lease (30 s) runs out: it must not put the first
    // SHA back over the newest.
    const leaseOver = killedAt + 40_000;
    if (Date.now() < leaseOver) await new Promise((r) => setTimeout(r, leaseOver - Date.now()));
    expect(names(newest)).toBe(true);
    expect([...bot.github.state.comments.values()].filter((c) => c.issue === PR)).toHaveLength(1);
    recordReliability({
      area: "fault",
      what: "bot SIGKILLed mid-deploy",
      injected:
        "SIGKILL of the Berth process while its first deploy ran on the Swarm; restarted; a newer push delivered",
      berthDid: "recovered the stalled job, deployed the newest SHA, completed every check run",
      recoverMs,
      lost: "nothing (1 stack, 1 comment, 1 check run and ≤ 1 deployment per SHA, none left in progress)",
    });
  }, 480_000);
});
