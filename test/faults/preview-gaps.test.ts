// Two preview-policy gaps, on the fakes (the property is the jobs' logic, and the fake clock makes minutes free):
// eviction waits until the evicted stack is gone so the cap holds at every moment, and a live preview without an
// activity record still expires.
import { describe, expect, it } from "vitest";
import { fakeWorld, type FakeWorld } from "../helpers/fakes/index.js";
import { buildConfig, REPOSITORY } from "../helpers/config-builder.js";
import { ctx, previewJob, sweepJob } from "../helpers/job-builders.js";
import { deployPreview } from "../../app/jobs/deploy-preview.js";
import { sweepPreviews } from "../../app/jobs/sweep-previews.js";
import { EVICTION_WAIT_MS } from "../../app/jobs/evict-preview.js";
import { TransientError } from "../../app/errors.js";
import { recordReliability } from "../helpers/reliability.js";

const HOUR = 3600_000;

function world(overrides: Parameters<typeof buildConfig>[0] = {}): FakeWorld {
  const w = fakeWorld();
  w.configs.set(buildConfig(overrides));
  return w;
}

const livePreview = (w: FakeWorld, pr: number) =>
  w.swarm.seedStack(`shop-pr-${pr}`, { repository: REPOSITORY, environment: `pr-${pr}` }, [
    { service: "web", replicas: 1, cpus: 0.5 },
  ]);

/** How many previews ran at once, sampled at every Swarm call of the deploy. */
function peakPreviews(w: FakeWorld): () => number {
  let peak = 0;
  const sample = () => (peak = Math.max(peak, [...w.swarm.stacks.keys()].filter((s) => /-pr-\d+$/.test(s)).length));
  const original = w.swarm.deployStack.bind(w.swarm);
  w.swarm.deployStack = async (stack, yaml) => {
    await original(stack, yaml);
    sample();
  };
  return () => peak;
}

describe("eviction waits for the evicted teardown", () => {
  it("the new preview is deployed only once the evicted stack is gone (the cap holds at every moment)", async () => {
    const w = world({ preview: { maxLive: 2, onCap: "evict-lru" } });
    livePreview(w, 1);
    livePreview(w, 2);
    await w.activity.touch({ repository: REPOSITORY, pr: 2, installationId: 77, at: w.clock.now() - 5000 });
    await w.activity.touch({ repository: REPOSITORY, pr: 1, installationId: 77, at: w.clock.now() - 1000 });
    // The teardown job runs on another worker and takes 12 s: the stack goes after the deploy polled a while.
    const goneAt = w.clock.now() + 12_000;
    const original = w.swarm.stackServices.bind(w.swarm);
    w.swarm.stackServices = async (stack) => {
      if (stack === "shop-pr-2" && w.clock.now() >= goneAt) w.swarm.stacks.delete(stack);
      return original(stack);
    };
    const peak = peakPreviews(w);
    const started = w.clock.now();
    const result = await deployPreview(previewJob(), ctx(), w.deps);

    expect(result.outcome).toBe("deployed");
    expect(w.queue.ofKind("teardown-preview").map((j) => j.pr)).toEqual([2]);
    expect(peak()).toBe(2);
    expect(w.clock.now() - started).toBeGreaterThanOrEqual(12_000);
    recordReliability({
      area: "fault",
      what: "preview cap reached with evict-lru",
      injected: "a third preview at maxLive 2; the evicted preview's teardown takes 12 s on another worker",
      berthDid: "queued the teardown, polled the Swarm until the stack was gone, then deployed: never 3 previews",
      recoverMs: w.clock.now() - started,
      lost: "nothing",
    });
  });

  it("if the teardown does not finish in time, the deploy fails transiently (retried) and deploys nothing", async () => {
    const w = world({ preview: { maxLive: 2, onCap: "evict-lru" } });
    livePreview(w, 1);
    livePreview(w, 2);
    await expect(deployPreview(previewJob(), ctx(), w.deps)).rejects.toThrow(TransientError);
    expect(w.swarm.stacks.has("shop-pr-7")).toBe(false);
    expect(w.swarm.writes().filter((c) => c.op === "deployStack")).toEqual([]);
    expect(w.clock.sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(EVICTION_WAIT_MS);
  });
});

describe("a live preview without an activity record", () => {
  it("gets a record at the sweep that finds it and expires one TTL later", async () => {
    const w = world({ preview: { ttlSeconds: 7200 } });
    livePreview(w, 3);
    livePreview(w, 4);
    // PR 3 is known (its installation is the repository's); PR 4 was deployed before the store existed.
    await w.activity.touch({ repository: REPOSITORY, pr: 3, installationId: 77, at: w.clock.now() });
    const found = w.clock.now();
    await sweepPreviews(sweepJob(), ctx("sweep-1"), w.deps);
    expect((await w.activity.ofRepository(REPOSITORY)).get("pr-4")).toEqual({
      repository: REPOSITORY,
      pr: 4,
      installationId: 77,
      at: found,
    });
    expect(w.queue.ofKind("teardown-preview")).toEqual([]);

    w.clock.advance(2 * HOUR + 1000);
    await sweepPreviews(sweepJob({ deliveryId: "sweep-2" }), ctx("sweep-2"), w.deps);
    expect(w.queue.ofKind("teardown-preview").map((j) => [j.pr, j.reason, j.installationId])).toEqual([
      [3, "expired", 77],
      [4, "expired", 77],
    ]);
    recordReliability({
      area: "fault",
      what: "live preview without an activity record",
      injected: "a labelled preview on the Swarm that Redis has no activity record of (lost data, older Berth)",
      berthDid: "the sweep that found it recorded it; it expired one TTL (2 h) later like any idle preview",
      lost: "nothing",
    });
  });
});
