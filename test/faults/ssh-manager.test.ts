// The manager's sshd goes away (20 s, then for good), a second manager takes over, and the manager's host key
// changes. Each against an sshd of the test's own (test/helpers/own-sshd.ts), never the shared one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  body,
  faultConfigYaml,
  removeStack,
  sha,
  sleep,
  stackServices,
  startFaultBot,
  writes,
  PORT_BASE,
  type FaultBot,
} from "../helpers/fault-bot.js";
import { newHostKey, OwnSshd } from "../helpers/own-sshd.js";
import { waitFor } from "../../scripts/lib/wait-for.js";
import { recordReliability } from "../helpers/reliability.js";

const SSHD_PORT = 26102;
const DEAD_PORT = 26104; // nothing listens here
const url = (pr: number) => `http://127.0.0.1:${PORT_BASE + pr}`;
const stacks = ["faultssh-pr-1010", "faultdead-pr-1011", "faultmm-pr-1012"];
let bot: FaultBot;
const sshd = new OwnSshd(SSHD_PORT);

beforeAll(async () => {
  await sshd.start();
  bot = await startFaultBot({
    configs: {
      "faultssh.yml": faultConfigYaml({ app: "faultssh", ssh: { port: SSHD_PORT } }),
      "faultdead.yml": faultConfigYaml({ app: "faultdead", ssh: { port: DEAD_PORT } }),
      "faultmm.yml": faultConfigYaml({
        app: "faultmm",
        ssh: { port: DEAD_PORT, hosts: [{ host: "127.0.0.1", port: 2222 }] },
      }),
    },
  });
});
afterAll(async () => {
  await bot?.close();
  await sshd.stop();
  for (const s of stacks) removeStack(s);
});

function checkRunFor(head: string) {
  return [...bot.github.state.checkRuns.values()].find((r) => r.head_sha === head);
}

describe("the manager's sshd", () => {
  it("down for 20 s mid-deploy: retried with backoff, the deploy completes once sshd is back", async () => {
    const head = sha();
    expect(await bot.pr("opened", "faultssh", 1010, head)).toBe(200);
    await sshd.stop();
    await sleep(20_000);
    const backAt = Date.now();
    await sshd.start();
    await waitFor(
      "check run success",
      () => (checkRunFor(head)?.conclusion === "success" ? true : undefined),
      240_000,
      500,
    );
    const recoverMs = Date.now() - backAt;
    expect(await body(url(1010))).toBe(`berth-test-web sha=${head}`);
    const retries = bot.berth
      .output()
      .split("\n")
      .filter((l) => l.includes('"job failed"') && l.includes("26102"));
    expect(retries.length).toBeGreaterThanOrEqual(2); // it kept trying while sshd was away, with backoff between
    expect(writes(bot.since(0), "acme/faultssh").checkCreates).toHaveLength(1);
    recordReliability({
      area: "fault",
      what: "manager sshd down 20 s",
      injected: "the manager's sshd (and its connections) killed as the deploy started; back after 20 s",
      berthDid: `retried with backoff (${retries.length} failed attempts logged), deployed once sshd answered`,
      recoverMs,
      lost: "nothing (one check run, success; preview serves the head)",
    });
  }, 300_000);

  it("unreachable past the retry budget: a failed check run naming the host", async () => {
    const head = sha();
    const started = Date.now();
    expect(await bot.pr("opened", "faultdead", 1011, head)).toBe(200);
    const run = await waitFor(
      "a completed check run",
      () => (checkRunFor(head)?.status === "completed" ? checkRunFor(head) : undefined),
      240_000,
      500,
    );
    expect(run.conclusion).toBe("failure");
    expect(`${run.output.title}\n${run.output.summary}`).toContain(`127.0.0.1:${DEAD_PORT}`);
    expect(stackServices("faultdead-pr-1011")).toEqual([]);
    recordReliability({
      area: "fault",
      what: "manager unreachable past the retry budget",
      injected: `ssh.host pointing at 127.0.0.1:${DEAD_PORT}, where nothing listens`,
      berthDid: "6 attempts with exponential backoff, then a failed check run naming the host and port",
      recoverMs: Date.now() - started,
      lost: "nothing (nothing deployed, nothing left queued or in progress)",
    });
  }, 300_000);

  it("two managers configured, the first unreachable: deploys through the second", async () => {
    const head = sha();
    const started = Date.now();
    expect(await bot.pr("opened", "faultmm", 1012, head)).toBe(200);
    await waitFor(
      "check run success",
      () => (checkRunFor(head)?.conclusion === "success" ? true : undefined),
      180_000,
      500,
    );
    expect(await body(url(1012))).toBe(`berth-test-web sha=${head}`);
    expect(bot.berth.output()).toContain("using another Swarm manager");
    // No retry was spent on the dead manager: the job went through at its first attempt.
    expect(
      bot.berth
        .output()
        .split("\n")
        .filter((l) => l.includes('"job failed"') && l.includes("faultmm")),
    ).toEqual([]);
    recordReliability({
      area: "fault",
      what: "first of two managers unreachable",
      injected: `ssh.host 127.0.0.1:${DEAD_PORT} (nothing listens), ssh.hosts: [127.0.0.1:2222]`,
      berthDid: "connected to the second manager within the same attempt and deployed",
      recoverMs: Date.now() - started,
      lost: "nothing",
    });
  }, 240_000);

  it("host key changes: refused, reported, nothing deployed", async () => {
    const deployed = (await body(url(1010))).replace("berth-test-web sha=", "");
    await sshd.stop();
    const swapped = newHostKey();
    await sshd.start(swapped.path);
    const head = sha();
    const started = Date.now();
    expect(await bot.pr("synchronize", "faultssh", 1010, head)).toBe(200);
    const run = await waitFor(
      "a completed check run",
      () => (checkRunFor(head)?.status === "completed" ? checkRunFor(head) : undefined),
      120_000,
      500,
    );
    expect(run.conclusion).toBe("failure");
    const text = `${run.output.title}\n${run.output.summary}`;
    expect(text).toMatch(/host key/i);
    expect(text).toContain(`127.0.0.1:${SSHD_PORT}`);
    // Nothing reached the Swarm: the old commit still serves, and no attempt was retried.
    expect(await body(url(1010))).toBe(`berth-test-web sha=${deployed}`);
    const sinceKeyChange = bot.berth
      .output()
      .split("\n")
      .filter((l) => l.includes('"job failed"') && l.includes("host key"));
    expect(sinceKeyChange).toHaveLength(1);
    recordReliability({
      area: "fault",
      what: "manager host key changed",
      injected: "the manager's sshd restarted with a new host key; then a push",
      berthDid: "refused to connect (no retry), failed check run naming the host and both keys",
      recoverMs: Date.now() - started,
      lost: "nothing (nothing deployed; the previous commit keeps serving)",
    });
  }, 180_000);
});
