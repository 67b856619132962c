// The GitHub write scheduler with a manual clock and a fake transport: coalescing, finals first and never dropped,
// retry-after honoured to the millisecond, order per subject, pacing under the per-minute and per-hour limits.
import { describe, expect, it } from "vitest";
import pino from "pino";
import { WriteScheduler } from "../../app/adapters/github/write-scheduler.js";
import { memoryWriteStore, type ScheduledWrite } from "../../app/adapters/github/write-scheduler-types.js";
import { FinalError, TransientError } from "../../app/errors.js";
import { ManualClock, settle } from "../helpers/manual-clock.js";

interface Sent {
  at: number;
  subject: string;
  label: string;
}

function setup(
  opts: {
    fail?: (w: ScheduledWrite<string>, attempt: number) => Error | undefined;
    writesPerSend?: number;
    limits?: { perMinute: number; perHour: number };
    progressReserve?: number;
    commentReserve?: number;
  } = {},
) {
  const clock = new ManualClock(1_000_000);
  const sent: Sent[] = [];
  const calls: Sent[] = [];
  const attempts = new Map<string, number>();
  const store = memoryWriteStore<string>();
  const scheduler = new WriteScheduler<string>({
    clock,
    log: pino({ level: "silent" }),
    store,
    limits: opts.limits,
    headroom: { perMinute: 0, perHour: 0 },
    progressIntervalMs: 5_000,
    progressReserve: opts.progressReserve,
    commentReserve: opts.commentReserve,
    transport: {
      async send(w, permit) {
        const attempt = (attempts.get(w.id) ?? 0) + 1;
        attempts.set(w.id, attempt);
        calls.push({ at: clock.now(), subject: w.subject, label: w.payload });
        const err = opts.fail?.(w, attempt);
        if (err) throw err;
        for (let i = 0; i < (opts.writesPerSend ?? 1); i++) {
          await permit();
          sent.push({ at: clock.now(), subject: w.subject, label: w.payload });
        }
      },
    },
  });
  return { clock, sent, calls, store, scheduler, labels: () => sent.map((s) => s.label) };
}

describe("GitHub write scheduler", () => {
  it("sends a subject's first progress at once and coalesces the rest: an overtaken progress write is never sent", async () => {
    const { clock, scheduler, labels, sent } = setup();
    await scheduler.enqueue(1, "check:a", "progress", "deploying");
    await settle();
    expect(labels()).toEqual(["deploying"]);
    await clock.advance(1000);
    await scheduler.enqueue(1, "check:a", "progress", "1/3 running");
    await clock.advance(1000);
    await scheduler.enqueue(1, "check:a", "progress", "2/3 running");
    await clock.advance(1000);
    await scheduler.enqueue(1, "check:a", "final", "success");
    await clock.advance(100);
    expect(labels()).toEqual(["deploying", "success"]);
    expect(sent[1]!.at).toBe(1_003_000); // the final did not wait for the progress interval
    expect(scheduler.stats.superseded).toBe(2);
    // Once the final state is queued the deploy is over for that subject: later progress is not sent.
    await scheduler.enqueue(1, "check:a", "progress", "late tick");
    await clock.advance(60_000);
    expect(labels()).toEqual(["deploying", "success"]);
  });

  it("sends at most one progress write per subject per interval", async () => {
    const { clock, scheduler, sent } = setup();
    await scheduler.enqueue(1, "check:a", "progress", "p1");
    await settle();
    await clock.advance(500);
    await scheduler.enqueue(1, "check:a", "progress", "p2");
    await clock.advance(10_000);
    expect(sent.map((s) => [s.label, s.at - 1_000_000])).toEqual([
      ["p1", 0],
      ["p2", 5_000],
    ]);
  });

  it("sends final states first, then comments, then progress", async () => {
    const { clock, scheduler, labels } = setup({ limits: { perMinute: 1, perHour: 500 } });
    await scheduler.enqueue(1, "check:warm", "final", "warm"); // takes the minute's one slot
    await settle();
    await scheduler.enqueue(1, "check:a", "progress", "progress a");
    await scheduler.enqueue(1, "comment:b", "comment", "comment b");
    await scheduler.enqueue(1, "deployment:c", "final", "final c");
    await clock.advance(60_000 * 3);
    expect(labels()).toEqual(["warm", "final c", "comment b", "progress a"]);
  });

  it("keeps the order of a subject's final states, also when the first one has to be retried", async () => {
    const { clock, scheduler, labels, calls } = setup({
      fail: (w, attempt) =>
        w.payload === "success" && attempt < 3 ? new TransientError("502 bad gateway") : undefined,
    });
    await scheduler.enqueue(1, "deployment:a", "final", "success");
    await scheduler.enqueue(1, "deployment:a", "final", "failure (rolled back)");
    await scheduler.enqueue(1, "check:b", "final", "other subject");
    await clock.advance(30_000);
    expect(labels()).toEqual(["other subject", "success", "failure (rolled back)"]);
    expect(calls.filter((c) => c.label === "success")).toHaveLength(3);
  });

  it("waits exactly the retry-after GitHub gave, for the whole installation", async () => {
    let refused = false;
    const { clock, scheduler, calls } = setup({
      fail: (w) => {
        if (w.payload === "first" && !refused) {
          refused = true;
          return new TransientError("403 secondary rate limit", 7_000);
        }
        return undefined;
      },
    });
    await scheduler.enqueue(1, "check:a", "final", "first");
    await settle();
    await scheduler.enqueue(1, "check:b", "final", "second"); // another subject waits too
    await scheduler.enqueue(2, "check:c", "final", "other installation");
    await clock.advance(6_999);
    expect(calls.map((c) => c.label)).toEqual(["first", "other installation"]);
    await clock.advance(1);
    expect(calls.map((c) => [c.label, c.at - 1_000_000])).toEqual([
      ["first", 0],
      ["other installation", 0],
      ["first", 7_000],
      ["second", 7_000],
    ]);
    expect(scheduler.stats.retriedAfter).toEqual([7_000]);
  });

  it("drops a write GitHub refuses for good, and goes on", async () => {
    const { clock, scheduler, labels } = setup({
      fail: (w) => (w.payload === "bad" ? new FinalError("422 validation failed") : undefined),
    });
    await scheduler.enqueue(1, "check:a", "final", "bad");
    await scheduler.enqueue(1, "check:a", "final", "good");
    await clock.advance(1000);
    expect(labels()).toEqual(["good"]);
  });

  it("never exceeds the per-minute limit in any 60 s window and paces the rest", async () => {
    const { clock, scheduler, sent } = setup({ limits: { perMinute: 10, perHour: 500 } });
    for (let i = 0; i < 25; i++) await scheduler.enqueue(1, `check:${i}`, "final", `f${i}`);
    await clock.advance(5 * 60_000);
    expect(sent).toHaveLength(25);
    for (const s of sent)
      expect(sent.filter((o) => o.at >= s.at && o.at < s.at + 60_000).length).toBeLessThanOrEqual(10);
    expect(sent.at(-1)!.at - sent[0]!.at).toBe(120_000); // 10 now, 10 a minute later, 5 at two minutes
  });

  it("when the hourly budget runs short, drops progress and comments but sends every final state", async () => {
    const { clock, scheduler, sent, store } = setup({
      limits: { perMinute: 1000, perHour: 30 },
      progressReserve: 10,
      commentReserve: 4,
      writesPerSend: 1,
    });
    // A burst: 12 deploys each with a creation (progress), a comment and a final check run + deployment status.
    for (let i = 0; i < 12; i++) await scheduler.enqueue(1, `check:${i}`, "progress", `create ${i}`);
    await clock.advance(1000);
    for (let i = 0; i < 12; i++) {
      await scheduler.enqueue(1, `comment:${i}`, "comment", `comment ${i}`);
      await scheduler.enqueue(1, `check:${i}`, "final", `check final ${i}`);
      await scheduler.enqueue(1, `deployment:${i}`, "final", `status final ${i}`);
    }
    await clock.advance(3_600_000 * 2);
    const finals = sent.filter((s) => s.label.includes("final"));
    expect(finals).toHaveLength(24);
    expect(scheduler.stats.dropped.final).toBe(0);
    expect(scheduler.stats.dropped.progress + scheduler.stats.dropped.comment).toBeGreaterThan(0);
    // Never more than the hourly limit in any hour.
    for (const s of sent)
      expect(sent.filter((o) => o.at >= s.at && o.at < s.at + 3_600_000).length).toBeLessThanOrEqual(30);
    expect(store.writes.size).toBe(0);
  });

  it("keeps finals and comments in the store until sent; progress is never stored", async () => {
    let down = true;
    const { clock, scheduler, store, labels } = setup({
      fail: () => (down ? new TransientError("502") : undefined),
    });
    await scheduler.enqueue(1, "check:a", "progress", "p");
    await scheduler.enqueue(1, "check:b", "final", "f");
    await scheduler.enqueue(1, "comment:c", "comment", "c1");
    await scheduler.enqueue(1, "comment:c", "comment", "c2"); // the newer body replaces the stored one
    expect([...store.writes.values()].map((w) => w.payload).sort()).toEqual(["c2", "f"]);
    down = false;
    await clock.advance(120_000);
    expect(labels()).toEqual(["f", "c2", "p"]);
    expect(store.writes.size).toBe(0);
  });

  it("resolves enqueue before anything is sent (callers never wait for GitHub)", async () => {
    const { scheduler, calls } = setup({ limits: { perMinute: 1, perHour: 500 } });
    await scheduler.enqueue(1, "check:a", "final", "a");
    await scheduler.enqueue(1, "check:b", "final", "b");
    expect(calls.length).toBeLessThanOrEqual(1);
  });
});

describe("GitHub write scheduler: a progress write sent in part", () => {
  it("sends the rest after the interval, or never when the final state comes first", async () => {
    const clock = new ManualClock(0);
    const sent: Array<[string, number]> = [];
    const created = new Set<string>();
    const scheduler = new WriteScheduler<string>({
      clock,
      log: pino({ level: "silent" }),
      store: memoryWriteStore<string>(),
      progressIntervalMs: 5_000,
      transport: {
        async send(w, permit) {
          await permit();
          if (!created.has(w.subject)) {
            created.add(w.subject);
            sent.push([`create ${w.subject}`, clock.now()]);
            if (w.class === "progress") return "again";
          }
          sent.push([`${w.subject}: ${w.payload}`, clock.now()]);
        },
      },
    });
    await scheduler.enqueue(1, "check:slow", "progress", "waiting for CI");
    await scheduler.enqueue(1, "check:fast", "progress", "deploying");
    await clock.advance(3_000);
    await scheduler.enqueue(1, "check:fast", "final", "success");
    await clock.advance(10_000);
    expect(sent).toEqual([
      ["create check:slow", 0],
      ["create check:fast", 0],
      ["check:fast: success", 3_000],
      ["check:slow: waiting for CI", 5_000],
    ]);
  });
});

describe("GitHub write scheduler: comments taken over from a dead process", () => {
  function withRecoverable(left: Array<ScheduledWrite<string>>) {
    const s = setup();
    const removed: string[] = [];
    const store = s.store;
    store.recover = async () => left.splice(0);
    const remove = store.remove;
    store.remove = async (w) => {
      removed.push(w.payload);
      await remove(w);
    };
    return { ...s, removed };
  }
  const older = (clockNow: number): ScheduledWrite<string> => ({
    id: "dead-1",
    installationId: 1,
    subject: "comment:acme/shop#pr-1",
    class: "comment",
    payload: "old sha",
    enqueuedAt: clockNow - 20_000,
    seq: 9,
  });

  it("never puts an older body back over one already sent", async () => {
    const left: Array<ScheduledWrite<string>> = [];
    const { clock, scheduler, labels, removed } = withRecoverable(left);
    await scheduler.enqueue(1, "comment:acme/shop#pr-1", "comment", "new sha");
    await clock.advance(1_000);
    expect(labels()).toEqual(["new sha"]);
    left.push(older(clock.now()));
    await scheduler.recover();
    await clock.advance(60_000);
    expect(labels()).toEqual(["new sha"]);
    expect(removed).toContain("old sha"); // gone from the store too: no later process takes it over again
  });

  it("keeps the newer body when the older one is recovered while the newer still waits", async () => {
    const left: Array<ScheduledWrite<string>> = [];
    const { clock, scheduler, labels } = withRecoverable(left);
    await scheduler.enqueue(1, "check:a", "final", "f1");
    await scheduler.enqueue(1, "comment:acme/shop#pr-1", "comment", "new sha");
    left.push(older(clock.now()));
    await scheduler.recover();
    await clock.advance(60_000);
    expect(labels()).toEqual(["f1", "new sha"]);
  });

  it("still sends a recovered body when nothing newer exists", async () => {
    const left: Array<ScheduledWrite<string>> = [];
    const { clock, scheduler, labels } = withRecoverable(left);
    left.push(older(clock.now()));
    await scheduler.recover();
    await clock.advance(1_000);
    expect(labels()).toEqual(["old sha"]);
  });
});
