// The queue on a real Redis: dedupe by delivery, one job per environment across workers, newest SHA wins,
// FinalError not retried, transient errors retried, lock always released.
import { afterEach, describe, expect, it } from "vitest";
import { createDeployQueue } from "../../app/queue/queue.js";
import { startDeployWorker } from "../../app/queue/worker.js";
import { createEnvironmentLock } from "../../app/queue/environment-lock.js";
import { shaOf, type DeployPreviewJob, type JobData, type JobResult } from "../../app/jobs/job-data.js";
import { FinalError, TransientError } from "../../app/errors.js";
import { testRedis } from "../helpers/redis.js";
import { waitFor } from "../../scripts/lib/wait-for.js";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function job(over: Partial<DeployPreviewJob> = {}): DeployPreviewJob {
  return {
    kind: "deploy-preview",
    repository: "acme/shop",
    installationId: 1,
    pr: 7,
    sha: "a".repeat(40),
    deliveryId: `del-${Math.random().toString(36).slice(2)}`,
    sender: "octocat",
    receivedAt: Date.now(),
    ...over,
  };
}

function setup() {
  const r = testRedis();
  const queue = createDeployQueue({ connection: r.redis, prefix: r.prefix });
  cleanups.push(r.cleanup, queue.close);
  return { ...r, queue };
}

function worker(
  r: ReturnType<typeof setup>,
  handler: (d: JobData) => Promise<JobResult>,
  extra: { onExhausted?: (d: JobData, e: Error) => Promise<void> } = {},
) {
  const w = startDeployWorker({
    connection: r.redis.duplicate(),
    prefix: r.prefix,
    concurrency: 4,
    handler,
    busyRetryMs: 100,
    ...extra,
  });
  cleanups.push(w.close);
  return w;
}

describe("deploy queue on real Redis", () => {
  it("runs a delivery once, however often it is enqueued (also concurrently)", async () => {
    const r = setup();
    const data = job();
    const results = await Promise.all(Array.from({ length: 10 }, () => r.queue.enqueue(data)));
    expect(new Set(results.map((x) => x.jobId)).size).toBe(1);
    expect((await r.queue.enqueue(data)).duplicate).toBe(true);
    let calls = 0;
    worker(r, async () => {
      calls += 1;
      return { outcome: "deployed", url: "u", durationMs: 1 };
    });
    await waitFor(
      "job completed",
      async () => ((await r.queue.queue.getCompletedCount()) === 1 ? true : undefined),
      10_000,
    );
    await new Promise((res) => setTimeout(res, 300));
    expect(calls).toBe(1);
  });

  it("never runs two jobs of one environment at once, across two worker processes", async () => {
    const r = setup();
    const spans: Array<[number, number, string]> = [];
    const handler = async (d: JobData): Promise<JobResult> => {
      const start = Date.now();
      await new Promise((res) => setTimeout(res, 300));
      spans.push([start, Date.now(), shaOf(d)]);
      return { outcome: "deployed", url: "u", durationMs: 1 };
    };
    worker(r, handler);
    worker(r, handler);
    // Same receivedAt: neither supersedes the other, both must run, one after the other.
    const t = Date.now();
    await r.queue.enqueue(job({ sha: "1".repeat(40), receivedAt: t }));
    await r.queue.enqueue(job({ sha: "2".repeat(40), receivedAt: t }));
    await waitFor("both jobs done", () => (spans.length === 2 ? true : undefined), 15_000);
    const [a, b] = spans.sort((x, y) => x[0] - y[0]);
    expect(b![0]).toBeGreaterThanOrEqual(a![1]);
  });

  it("drops queued jobs for older SHAs once a newer one is queued", async () => {
    const r = setup();
    const lock = createEnvironmentLock(r.redis, r.prefix);
    const held = await lock.acquire("acme/shop#pr-7", { jobId: "someone", sha: "x", kind: "deploy-preview" }, 60_000);
    const ran: string[] = [];
    worker(r, async (d) => {
      ran.push(shaOf(d));
      return { outcome: "deployed", url: "u", durationMs: 1 };
    });
    const t = Date.now();
    for (const [i, c] of ["1", "2", "3"].entries())
      await r.queue.enqueue(job({ sha: c.repeat(40), receivedAt: t + i }));
    await new Promise((res) => setTimeout(res, 500));
    expect(ran).toEqual([]); // all waiting for the environment
    await lock.release("acme/shop#pr-7", held!);
    await waitFor(
      "three jobs finished",
      async () => ((await r.queue.queue.getCompletedCount()) === 3 ? true : undefined),
      15_000,
    );
    expect(ran).toEqual(["3".repeat(40)]);
    const outcomes = (await r.queue.queue.getCompleted()).map((j) => j.returnvalue.outcome).sort();
    expect(outcomes).toEqual(["deployed", "superseded", "superseded"]);
  });

  it("a dead holder's lock expires and the next job proceeds", async () => {
    const r = setup();
    const lock = createEnvironmentLock(r.redis, r.prefix);
    await lock.acquire("acme/shop#pr-7", { jobId: "crashed", sha: "x", kind: "deploy-preview" }, 800);
    expect((await lock.inspect("acme/shop#pr-7"))?.jobId).toBe("crashed");
    let ran = false;
    worker(r, async () => {
      ran = true;
      return { outcome: "deployed", url: "u", durationMs: 1 };
    });
    await r.queue.enqueue(job());
    await waitFor("job ran after expiry", () => (ran ? true : undefined), 10_000);
    expect(await lock.inspect("acme/shop#pr-7")).toBeNull();
  });

  it("does not retry a FinalError, reports it once, and releases the lock", async () => {
    const r = setup();
    let calls = 0;
    const exhausted: string[] = [];
    worker(
      r,
      async () => {
        calls += 1;
        throw new FinalError("invalid config");
      },
      { onExhausted: async (_d, e) => void exhausted.push(e.message) },
    );
    await r.queue.enqueue(job());
    await waitFor("reported", () => (exhausted.length === 1 ? true : undefined), 10_000);
    expect(calls).toBe(1);
    expect(exhausted).toEqual(["invalid config"]);
    expect(await createEnvironmentLock(r.redis, r.prefix).inspect("acme/shop#pr-7")).toBeNull();
  });

  it("retries a transient error, honouring retry-after, then succeeds", async () => {
    const r = setup();
    const attempts: number[] = [];
    worker(r, async () => {
      attempts.push(Date.now());
      if (attempts.length < 3) throw new TransientError("ssh: connection refused", 200);
      return { outcome: "deployed", url: "u", durationMs: 1 };
    });
    await r.queue.enqueue(job());
    await waitFor(
      "job completed",
      async () => ((await r.queue.queue.getCompletedCount()) === 1 ? true : undefined),
      15_000,
    );
    expect(attempts.length).toBe(3);
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(180);
  });
});
