// Final states survive a restart or a crash: kept in the real Redis, taken over by the next process, sent once, in
// the order they were queued per subject.
import { afterAll, describe, expect, it } from "vitest";
import pino from "pino";
import { createPendingWriteStore } from "../../app/adapters/redis/pending-writes.js";
import { WriteScheduler } from "../../app/adapters/github/write-scheduler.js";
import type { WriteTransport } from "../../app/adapters/github/write-scheduler-types.js";
import { systemClock } from "../../app/ports/clock.js";
import { TransientError } from "../../app/errors.js";
import { testRedis } from "../helpers/redis.js";
import { waitFor } from "../../scripts/lib/wait-for.js";

const log = pino({ level: "silent" });
const down: WriteTransport<string> = {
  send: async () => {
    throw new TransientError("GitHub unreachable");
  },
};

function recording() {
  const sent: string[] = [];
  const transport: WriteTransport<string> = {
    send: async (w, permit) => {
      await permit();
      sent.push(w.payload);
    },
  };
  return { sent, transport };
}

describe("pending GitHub writes in Redis", () => {
  const r = testRedis();
  afterAll(() => r.cleanup());

  it("a restarted process sends what the stopped one left, once and in order; progress is not kept", async () => {
    const first = new WriteScheduler<string>({
      transport: down,
      store: createPendingWriteStore(r.redis, r.prefix),
      clock: systemClock,
      log,
    });
    await first.enqueue(7, "check:job1", "progress", "in progress");
    await first.enqueue(7, "check:job1", "final", "success");
    await first.enqueue(7, "check:job1", "final", "failure: rolled back");
    await first.enqueue(7, "deployment:job1", "final", "status success");
    await first.enqueue(7, "comment:pr-1", "comment", "live");
    await first.close(); // a clean stop releases the claim at once

    const { sent, transport } = recording();
    const second = new WriteScheduler<string>({
      transport,
      store: createPendingWriteStore(r.redis, r.prefix),
      clock: systemClock,
      log,
    });
    await second.start();
    await waitFor("the writes left behind", () => (sent.length >= 4 ? true : undefined), 10_000);
    await second.idle();
    expect(sent.filter((s) => s !== "live")).toEqual(["success", "failure: rolled back", "status success"]);
    expect(sent).toContain("live");
    expect(sent).not.toContain("in progress");

    // A third process finds nothing: each write was handed to one process and forgotten once sent.
    const third = recording();
    const again = new WriteScheduler<string>({
      transport: third.transport,
      store: createPendingWriteStore(r.redis, r.prefix),
      clock: systemClock,
      log,
    });
    await again.recover();
    await new Promise((res) => setTimeout(res, 300));
    expect(third.sent).toEqual([]);
    await second.close();
    await again.close();
  });

  it("after a crash (no clean stop) the writes are taken over once the dead process's lease runs out", async () => {
    const crashedStore = createPendingWriteStore<string>(r.redis, r.prefix, { leaseMs: 1500 });
    const crashed = new WriteScheduler<string>({ transport: down, store: crashedStore, clock: systemClock, log });
    await crashed.enqueue(9, "deployment:job2", "final", "status failure");
    // The process dies: no close(), so its lease runs out on its own.
    const { sent, transport } = recording();
    const survivor = new WriteScheduler<string>({
      transport,
      store: createPendingWriteStore(r.redis, r.prefix),
      clock: systemClock,
      log,
    });
    await survivor.recover();
    await new Promise((res) => setTimeout(res, 200));
    expect(sent).toEqual([]); // the lease is still alive: not taken over
    await new Promise((res) => setTimeout(res, 1600));
    await survivor.recover();
    await waitFor("the crashed process's write", () => (sent.length > 0 ? true : undefined), 10_000);
    expect(sent).toEqual(["status failure"]);
    await survivor.close();
    // What the crashed scheduler still holds in memory is not sent twice by the survivor.
    await survivor.idle();
    expect(sent).toEqual(["status failure"]);
    await crashed.close();
  });
});
