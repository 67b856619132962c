// Hostile PR comments through the handler's bound and the real command job, with fakes for GitHub and the Swarm:
// a 65 536-character comment of 1 000 command lines, commands in look-alike Unicode, NUL bytes, newlines inside
// arguments. Each is refused with one short reply and nothing reaches the Swarm or the queue. A retried job
// answers in its first reply (the reply store on the real Redis).
import { readFileSync } from "node:fs";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { runCommand } from "../../app/jobs/run-command.js";
import { reportCommandFailure } from "../../app/jobs/command-failure.js";
import type { JobDeps } from "../../app/jobs/deps.js";
import type { CommandJob } from "../../app/jobs/job-data.js";
import type { CommandGitHub } from "../../app/ports/pull-requests.js";
import { parseDeployConfig } from "../../app/core/config/index.js";
import { bounded, MAX_COMMAND_BODY } from "../../app/events/on-issue-comment.js";
import { hasCommandLine } from "../../app/core/commands/parse.js";
import { createCommandReplyStore } from "../../app/adapters/redis/command-replies.js";
import { testRedis } from "../helpers/redis.js";
import { recordReliability } from "../helpers/reliability.js";

const REPO = "acme/hostile";
const MINIMAL = readFileSync(new URL("../fixtures/configs/minimal.yml", import.meta.url), "utf8");
const CONFIG = parseDeployConfig("deploy-configs/hostile.yml", MINIMAL.replace("acme/shop", REPO), {}).config!;

interface Fakes {
  deps: JobDeps;
  calls: { swarm: string[]; enqueued: number; replies: string[]; edits: string[]; reactions: string[] };
}

function fakes(over: Partial<JobDeps> = {}): Fakes {
  const calls: Fakes["calls"] = { swarm: [], enqueued: 0, replies: [], edits: [], reactions: [] };
  let nextId = 5000;
  const gh: CommandGitHub = {
    pullRequest: (_repo, number) =>
      Promise.resolve({
        number,
        state: "open",
        headSha: "a".repeat(40),
        baseRepository: REPO,
        headRepository: REPO,
        authorAssociation: "MEMBER",
        author: "octocat",
      }),
    permissionOf: () => Promise.resolve("admin"),
    react: (_repo, _id, reaction) => {
      calls.reactions.push(reaction);
      return Promise.resolve();
    },
    reply: (_repo, _n, body) => {
      calls.replies.push(body);
      return Promise.resolve(nextId++);
    },
    editReply: (_repo, _id, body) => {
      calls.edits.push(body);
      return Promise.resolve();
    },
    deployedShas: () => Promise.resolve([]),
  };
  // Any call on the Swarm is recorded: "nothing runs" means this list stays empty.
  const swarm = new Proxy(
    {},
    {
      get: (_t, key) => () => {
        calls.swarm.push(String(key));
        return Promise.resolve([]);
      },
    },
  );
  const deps = {
    configs: {
      forRepository: () => Promise.resolve({ file: CONFIG.file, config: CONFIG, problems: [] }),
      template: () => Promise.resolve({ file: "templates/web-service.yml", text: "services:\n  web:\n    image: x\n" }),
    },
    swarmFor: () => swarm,
    enqueue: () => {
      calls.enqueued++;
      return Promise.resolve({ jobId: "j", duplicate: false });
    },
    commandGitHubFor: () => Promise.resolve(gh),
    log: pino({ level: "silent" }),
    clock: { now: () => Date.now() },
    ...over,
  } as unknown as JobDeps;
  return { deps, calls };
}

let commentId = 90_000;
/** Cases of each it.each group that passed: the group's row is recorded only when all of them did. */
const passed = { lookAlike: 0, control: 0, newline: 0 };
const job = (body: string): CommandJob => ({
  kind: "command",
  repository: REPO,
  installationId: 1,
  deliveryId: `d-${commentId}`,
  sender: "octocat",
  receivedAt: Date.now(),
  pr: 905,
  commentId: ++commentId,
  body: bounded(body),
  authorAssociation: "MEMBER",
});

/** Runs a comment as the handler would hand it over; returns what GitHub and the Swarm saw. */
async function run(body: string) {
  expect(hasCommandLine(bounded(body)), "the handler enqueues it (a command job answers it)").toBe(true);
  const f = fakes();
  const result = await runCommand(job(body), { jobId: "j1", attempt: 1 }, f.deps);
  return { result, ...f.calls };
}

describe("hostile comments", () => {
  it("control: a plain /status reaches the Swarm (so the fakes can see work being done)", async () => {
    const r = await run("/status");
    expect(r.swarm.length).toBeGreaterThan(0);
  });

  it("65 536 characters with 1 000 command lines → one short refusal, nothing runs", async () => {
    const line = "/scale web 3\n";
    let body = line.repeat(1000);
    body += "x".repeat(65_536 - body.length);
    expect(body.length).toBe(65_536);
    const started = performance.now();
    const r = await run(body);
    const ms = performance.now() - started;
    expect(r.result.outcome).toBe("failed");
    expect(r.swarm).toEqual([]);
    expect(r.enqueued).toBe(0);
    expect(r.reactions).toEqual(["confused"]);
    expect(r.replies).toHaveLength(1);
    expect(r.replies[0]!.length).toBeLessThan(300);
    expect(r.replies[0]).toMatch(
      /Nothing was run: a comment may hold at most 10 commands, one per line; this one has \d+/,
    );
    expect(job(body).body.length).toBeLessThanOrEqual(MAX_COMMAND_BODY);
    recordReliability({
      area: "input",
      what: "comment: 65 536 characters, 1 000 command lines",
      injected: "'/scale web 3' × 1 000, padded to 65 536 characters",
      berthDid: `one ${r.replies[0]!.length}-character refusal (at most 10 commands); 😕; nothing ran`,
      recoverMs: ms,
      lost: "nothing",
    });
  });

  it.each([
    ["Cyrillic ѕ", "/\u0455cale web 3", "U+0455"],
    ["all look-alikes", "/\u0455\u0441\u0430l\u0435 web 3", "U+0455"],
    ["fullwidth slash", "\uFF0Fscale web 3", "U+FF0F"],
    ["division slash", "\u2215destroy", "U+2215"],
    ["zero-width space in the word", "/sca\u200Ble web 3", "U+200B"],
    ["Greek omicron", "/r\u03BFllback", "U+03BF"],
  ])("look-alike command (%s) → refused naming the code point; nothing runs", async (_name, body, code) => {
    const r = await run(body);
    expect(r.swarm).toEqual([]);
    expect(r.enqueued).toBe(0);
    expect(r.replies).toHaveLength(1);
    expect(r.replies[0]).toContain(`contains ${code}; type commands in plain ASCII`);
    expect(r.replies[0]!.length).toBeLessThan(300);
    passed.lookAlike++;
  });

  it.each([
    ["NUL inside an argument", "/scale web\u00003", "U+0000"],
    ["NUL after the command", "/destroy\u0000", "U+0000"],
    ["bell and escape", "/logs web --tail 5\u0007\u001b[2J", "U+0007"],
    ["line separator inside arguments", "/scale web\u20283", "U+2028"],
    ["right-to-left override", "/scale \u202Ebew 3", "U+202E"],
  ])("control character (%s) → refused naming the code point; never echoed", async (_name, body, code) => {
    const r = await run(body);
    expect(r.swarm).toEqual([]);
    expect(r.enqueued).toBe(0);
    expect(r.replies).toHaveLength(1);
    expect(r.replies[0]).toMatch(/^<!-- berth:command:\d+ -->\n😕 Nothing was run:/);
    expect(r.replies[0]).toMatch(
      new RegExp(`contains (the invisible or control character )?${code.replace("+", "\\+")}`),
    );
    // eslint-disable-next-line no-control-regex
    expect(r.replies[0]).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u2028\u202E]/);
    passed.control++;
  });

  it.each([
    ["LF between arguments", "/scale web\n3"],
    ["CR LF between arguments", "/scale web\r\n3"],
    ["LF inside --tail", "/logs web --tail\n50"],
    ["a command split over lines", "/scale\nweb 3"],
  ])("newline inside arguments (%s) → usage refusal; nothing runs", async (_name, body) => {
    const r = await run(body);
    expect(r.result.outcome).toBe("failed");
    expect(r.swarm).toEqual([]);
    expect(r.enqueued).toBe(0);
    expect(r.replies).toHaveLength(1);
    expect(r.replies[0]).toMatch(/^<!-- berth:command:\d+ -->\n😕 Nothing was run:/);
    passed.newline++;
  });

  it("records the look-alike, control-character and newline rows", () => {
    expect(passed).toEqual({ lookAlike: 6, control: 5, newline: 4 });
    recordReliability({
      area: "input",
      what: "comment: look-alike Unicode commands",
      injected: "/ѕcale (Cyrillic), ／scale (fullwidth), ∕destroy, /sca<ZWSP>le, /rοllback (Greek)",
      berthDid: "refused with a reply naming the code point (used to be ignored silently); nothing ran",
      lost: "nothing",
    });
    recordReliability({
      area: "input",
      what: "comment: NUL and control characters",
      injected: "NUL inside and after commands, BEL + ANSI escape, U+2028, RTL override",
      berthDid: "refused naming the code point; the reply never echoes the character; nothing ran",
      lost: "nothing",
    });
    recordReliability({
      area: "input",
      what: "comment: newlines inside arguments",
      injected: "/scale web⏎3, CR LF, /logs web --tail⏎50, /scale⏎web 3",
      berthDid: "usage refusal for the cut line; nothing ran",
      lost: "nothing",
    });
  });
});

describe("a retried command job", () => {
  const r = testRedis();
  afterAll(() => r.cleanup());

  it("answers in its first reply: a rerun edits it, never posts a second", async () => {
    const store = createCommandReplyStore(r.redis, r.prefix);
    const f = fakes({ commandReplies: store });
    const j = job("/scale web 0");
    await runCommand(j, { jobId: "j1", attempt: 1 }, f.deps);
    // The same job again (BullMQ retry, or a stalled job picked up after a crash), then its exhausted report.
    await runCommand(j, { jobId: "j1", attempt: 2 }, f.deps);
    await reportCommandFailure(j, "j1", new Error("GitHub answered 502"), f.deps);
    expect(f.calls.replies).toHaveLength(1);
    expect(f.calls.edits).toHaveLength(2);
    expect(f.calls.edits[1]).toContain("The command could not run: GitHub answered 502");
    expect(await store.replyTo(REPO, j.commentId)).toBe(5000);
    recordReliability({
      area: "fault",
      what: "command job run twice (retry or stalled job)",
      injected: "the same /scale comment's job run twice, then reported as exhausted",
      berthDid: "one reply comment, edited by the later runs (its id kept in Redis per comment)",
      lost: "nothing",
    });
  });
});
