// On a real Redis: the activity record the TTL sweeper and LRU eviction read, and the sweeper's schedule, which
// stays one schedule however many workers start (and picks up a changed interval).
import { afterEach, describe, expect, it } from "vitest";
import { createActivityStore } from "../../app/adapters/redis/activity.js";
import { createDeployQueue } from "../../app/queue/queue.js";
import { scheduleSweeper, SWEEPER_ID } from "../../app/queue/sweeper-schedule.js";
import { testRedis } from "../helpers/redis.js";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("preview activity store", () => {
  it("keeps the newest touch per PR, lists per repository case-insensitively, forgets on teardown", async () => {
    const r = testRedis();
    cleanups.push(r.cleanup);
    const store = createActivityStore(r.redis, r.prefix);
    await store.touch({ repository: "acme/Shop", pr: 1, installationId: 9, at: 100 });
    await store.touch({ repository: "acme/shop", pr: 1, installationId: 9, at: 200 });
    await store.touch({ repository: "acme/shop", pr: 1, installationId: 9, at: 120 }); // a retried older job
    await store.touch({ repository: "acme/shop", pr: 2, installationId: 9, at: 150 });
    await store.touch({ repository: "acme/blog", pr: 1, installationId: 9, at: 50 });
    const shop = await store.ofRepository("ACME/shop");
    expect([...shop.entries()].map(([env, a]) => [env, a.at]).sort()).toEqual([
      ["pr-1", 200],
      ["pr-2", 150],
    ]);
    expect((await store.all()).length).toBe(3);
    await store.forget("acme/shop", 1);
    expect([...(await store.ofRepository("acme/shop")).keys()]).toEqual(["pr-2"]);
  });
});

describe("sweeper schedule", () => {
  it("two workers starting make one schedule; a new interval replaces the old", async () => {
    const r = testRedis();
    const queue = createDeployQueue({ connection: r.redis, prefix: r.prefix });
    cleanups.push(r.cleanup, queue.close);
    await Promise.all([scheduleSweeper(queue.queue, 300), scheduleSweeper(queue.queue, 300)]);
    let schedulers = await queue.queue.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.every])).toEqual([[SWEEPER_ID, 300_000]]);
    await scheduleSweeper(queue.queue, 2);
    schedulers = await queue.queue.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.every])).toEqual([[SWEEPER_ID, 2000]]);
    const next = (await queue.queue.getDelayed())
      .concat(await queue.queue.getWaiting())
      .filter((j) => j.name === "sweep-previews");
    expect(next.length).toBeGreaterThanOrEqual(1);
    expect(next[0]!.data).toMatchObject({ kind: "sweep-previews", sender: "berth-sweeper" });
    // The sweeper is not tied to a repository: its job has no repository or installation to fake.
    expect(next[0]!.data).not.toHaveProperty("repository");
    expect(next[0]!.data).not.toHaveProperty("installationId");
  });
});
