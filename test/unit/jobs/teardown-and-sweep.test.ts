// teardownPreview for each reason (what is removed, what is forgotten, what the comment says) and sweepPreviews
// (idle past the config's TTL or not), with the fake clock standing in for days of idleness.
import { describe, expect, it } from "vitest";
import { fakeWorld, type FakeWorld } from "../../helpers/fakes/index.js";
import { buildConfig, REPOSITORY } from "../../helpers/config-builder.js";
import { ctx, previewJob, sweepJob, teardownJob, SHA } from "../../helpers/job-builders.js";
import { botComment, deploymentStates } from "../../helpers/github-reads.js";
import { deployPreview } from "../../../app/jobs/deploy-preview.js";
import { teardownPreview } from "../../../app/jobs/teardown-preview.js";
import { sweepPreviews } from "../../../app/jobs/sweep-previews.js";
import type { TeardownReason } from "../../../app/jobs/job-data.js";

const STACK = "shop-pr-7";
const MARKER = "<!-- berth:preview:pr-7 -->";
const HOUR = 3600_000;

/** A live preview of PR 7 with an approval, a /scale count, a trust verdict and an activity record. */
async function livePreview(overrides: Parameters<typeof buildConfig>[0] = {}): Promise<FakeWorld> {
  const w = fakeWorld();
  w.configs.set(buildConfig({ services: { web: { maxReplicas: 4 } }, ...overrides }));
  await w.approvals.approve(REPOSITORY, 7, SHA, "maintainer");
  await w.replicas.set(REPOSITORY, 7, "web", { replicas: 2, baseline: 1 });
  expect((await deployPreview(previewJob({ trusted: false }), ctx("job-deploy"), w.deps)).outcome).toBe("deployed");
  await w.activity.touch({ repository: REPOSITORY, pr: 7, installationId: 77, at: w.clock.now() });
  w.github.calls.length = 0;
  w.swarm.calls.length = 0;
  return w;
}

describe("teardownPreview", () => {
  it("closed: removes the stack, marks the deployments inactive, says so, forgets everything about the PR", async () => {
    const w = await livePreview();
    const result = await teardownPreview(teardownJob({ reason: "closed" }), ctx(), w.deps);

    expect(result).toEqual({ outcome: "torn-down", durationMs: 0 });
    expect(w.swarm.writes().map((c) => [c.op, c.stack])).toEqual([["removeStack", STACK]]);
    expect(w.swarm.stacks.has(STACK)).toBe(false);
    // The write scheduler reads which deployments are active, then writes each inactive status (one counted write each).
    expect(w.github.apis()).toEqual(["createDeploymentStatus", "upsertStickyComment"]);
    expect(w.github.callsOf("createDeploymentStatus")[0]).toMatchObject({
      status: { state: "inactive", description: "Preview removed: PR closed" },
    });
    expect(deploymentStates(w.github, "pr-7")).toEqual([["success", "inactive"]]);
    expect(botComment(w.github, 7, MARKER)).toContain("🧹 **Preview torn down** (PR closed)");
    expect(botComment(w.github, 7, MARKER)).toContain("Reopen the PR to deploy it again.");
    expect(await w.approvals.approvalOf(REPOSITORY, 7, SHA)).toBeUndefined();
    expect(await w.replicas.get(REPOSITORY, 7)).toEqual({});
    expect(await w.trust.isUntrusted(REPOSITORY, 7)).toBe(false);
    expect(await w.activity.all()).toEqual([]);
    expect(w.github.checkRuns).toHaveLength(1); // teardown has no check run of its own
  });

  it("merged: the same as closed, with its own words", async () => {
    const w = await livePreview();
    await teardownPreview(teardownJob({ reason: "merged" }), ctx(), w.deps);
    expect(w.github.callsOf("createDeploymentStatus")[0]!.status).toMatchObject({
      state: "inactive",
      description: "Preview removed: PR merged",
    });
    expect(botComment(w.github, 7, MARKER)).toContain("(PR merged)");
    expect(await w.approvals.approvalOf(REPOSITORY, 7, SHA)).toBeUndefined();
  });

  it("destroyed (/destroy): forgets the /scale counts but keeps approvals and the trust verdict", async () => {
    const w = await livePreview();
    await teardownPreview(teardownJob({ reason: "destroyed" }), ctx(), w.deps);
    expect(await w.replicas.get(REPOSITORY, 7)).toEqual({});
    expect(await w.approvals.approvalOf(REPOSITORY, 7, SHA)).toMatchObject({ by: "maintainer" });
    expect(await w.trust.isUntrusted(REPOSITORY, 7)).toBe(true);
    expect(await w.activity.all()).toEqual([]);
  });

  it.each<[TeardownReason, string]>([
    ["expired", "💤 **Preview expired** (idle for more than 2 h)"],
    ["evicted", "🧹 **Preview evicted** to make room for a newer one (preview cap)"],
  ])("%s: keeps approvals and /scale counts so /redeploy brings back what was there", async (reason, line) => {
    const w = await livePreview({ preview: { ttlSeconds: 7200 } });
    await teardownPreview(teardownJob({ reason, sha: "" }), ctx(), w.deps);
    expect(w.github.callsOf("createDeploymentStatus")[0]!.status).toMatchObject({
      state: "inactive",
      description: `Preview removed: ${reason}`,
    });
    expect(botComment(w.github, 7, MARKER)).toContain(line);
    expect(botComment(w.github, 7, MARKER)).toContain("Comment `/redeploy` to bring it back.");
    expect(await w.replicas.get(REPOSITORY, 7)).toEqual({ web: { replicas: 2, baseline: 1 } });
    expect(await w.approvals.approvalOf(REPOSITORY, 7, SHA)).toBeDefined();
    expect(await w.activity.all()).toEqual([]);
  });

  it("is idempotent: a stack that is already gone is removed again without error", async () => {
    const w = await livePreview();
    await teardownPreview(teardownJob(), ctx("t-1"), w.deps);
    expect((await teardownPreview(teardownJob(), ctx("t-2"), w.deps)).outcome).toBe("torn-down");
    expect(w.github.callsOf("createDeploymentStatus")).toHaveLength(1); // the second finds nothing active
    expect(deploymentStates(w.github, "pr-7")).toEqual([["success", "inactive"]]);
  });

  it("without a valid config it does not guess a stack: skipped, nothing removed", async () => {
    const w = fakeWorld();
    w.configs.setInvalid(REPOSITORY, "deploy-configs/shop.yml", [
      { file: "deploy-configs/shop.yml", line: 1, col: 1, path: "/app", message: "required" },
    ]);
    expect(await teardownPreview(teardownJob(), ctx(), w.deps)).toEqual({
      outcome: "skipped",
      reason: "no valid deploy config",
    });
    expect(w.swarm.calls).toEqual([]);
    expect(w.github.calls).toEqual([]);
  });
});

describe("sweepPreviews", () => {
  async function idleWorld(): Promise<FakeWorld> {
    const w = fakeWorld();
    w.configs.set(buildConfig({ preview: { ttlSeconds: 7200 } }));
    for (const pr of [1, 2]) {
      w.swarm.seedStack(`shop-pr-${pr}`, { repository: REPOSITORY, environment: `pr-${pr}` }, [
        { service: "web", replicas: 1 },
      ]);
    }
    await w.activity.touch({ repository: REPOSITORY, pr: 1, installationId: 77, at: w.clock.now() - 3 * HOUR });
    await w.activity.touch({ repository: REPOSITORY, pr: 2, installationId: 77, at: w.clock.now() - HOUR });
    return w;
  }

  it("queues an 'expired' teardown only for previews idle past the TTL, named after the idle period", async () => {
    const w = await idleWorld();
    const result = await sweepPreviews(sweepJob(), ctx(), w.deps);

    expect(result).toEqual({ outcome: "done", detail: `expired ${REPOSITORY}#1` });
    const [job] = w.queue.ofKind("teardown-preview");
    expect(w.queue.jobs).toHaveLength(1);
    expect(job).toMatchObject({ reason: "expired", pr: 1, installationId: 77, sha: "" });
    expect(job!.deliveryId).toBe(`expire-${REPOSITORY}-1-${w.clock.now() - 3 * HOUR}`);
    expect(w.swarm.writes()).toEqual([]); // the teardown job removes it, under its own lock
  });

  it("a later sweep in the same idle period makes the same job (deduplicated by the queue)", async () => {
    const w = await idleWorld();
    await sweepPreviews(sweepJob(), ctx(), w.deps);
    w.clock.advance(HOUR);
    await sweepPreviews(sweepJob({ deliveryId: "sweep-2" }), ctx("sweep-2"), w.deps);
    expect(w.queue.ofKind("teardown-preview").map((j) => j.pr)).toEqual([1, 2]);
  });

  it("nothing idle: nothing queued", async () => {
    const w = await idleWorld();
    w.clock.advance(-2.5 * HOUR);
    expect(await sweepPreviews(sweepJob(), ctx(), w.deps)).toEqual({ outcome: "done", detail: "nothing idle" });
    expect(w.queue.jobs).toEqual([]);
  });

  it("a record whose stack is gone is dropped instead of queueing a teardown", async () => {
    const w = await idleWorld();
    w.swarm.stacks.delete("shop-pr-1");
    await sweepPreviews(sweepJob(), ctx(), w.deps);
    expect(w.queue.jobs).toEqual([]);
    expect((await w.activity.all()).map((a) => a.pr)).toEqual([2]);
  });

  it("sweeps every configured repository; a repository without a config is left alone", async () => {
    const w = await idleWorld();
    w.configs.set(buildConfig({ repository: "acme/blog", app: "blog", preview: { ttlSeconds: 60 } }));
    w.swarm.seedStack("blog-pr-3", { repository: "acme/blog", environment: "pr-3" }, [{ service: "web", replicas: 1 }]);
    await w.activity.touch({ repository: "acme/blog", pr: 3, installationId: 78, at: w.clock.now() - 61_000 });
    await w.activity.touch({ repository: "acme/other", pr: 9, installationId: 77, at: 0 });
    await sweepPreviews(sweepJob(), ctx(), w.deps);
    expect(w.queue.ofKind("teardown-preview").map((j) => [j.repository, j.pr, j.installationId])).toEqual([
      [REPOSITORY, 1, 77],
      ["acme/blog", 3, 78],
    ]);
    expect((await w.activity.all()).map((a) => a.repository)).toContain("acme/other");
  });

  it("an operator's sweep of one repository leaves the others alone (names compared case-insensitively)", async () => {
    const w = await idleWorld();
    await w.activity.touch({ repository: "acme/other", pr: 9, installationId: 77, at: 0 });
    expect(await sweepPreviews(sweepJob({ repository: "acme/other" }), ctx(), w.deps)).toEqual({
      outcome: "done",
      detail: "nothing idle",
    });
    expect(w.queue.jobs).toEqual([]);
    await sweepPreviews(sweepJob({ repository: "ACME/Shop" }), ctx(), w.deps);
    expect(w.queue.ofKind("teardown-preview").map((j) => j.pr)).toEqual([1]);
  });

  it("without an activity store there is nothing to sweep", async () => {
    const w = await idleWorld();
    delete w.deps.activity;
    expect(await sweepPreviews(sweepJob(), ctx(), w.deps)).toEqual({ outcome: "skipped", reason: "no activity store" });
  });
});
