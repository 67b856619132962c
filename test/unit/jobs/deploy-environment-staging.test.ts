// deployEnvironment for staging: a push deploys and records a release; the CI gate holds it (waiting, released by a
// CI event, failed, superseded by a newer push); failures keep what ran; a repeat is not a new release.
import { describe, expect, it } from "vitest";
import { APP_ID, fakeWorld, TEST_IMAGE, TEST_IMAGE_ID, type FakeWorld } from "../../helpers/fakes/index.js";
import { buildConfig, REPOSITORY } from "../../helpers/config-builder.js";
import { commit, ctx, environmentJob, previewJob, SHA, SHA2, suite } from "../../helpers/job-builders.js";
import {
  brief,
  checkRunEnds,
  checkRunStory,
  deploymentStates,
  finalCheckRun,
  botComment,
} from "../../helpers/github-reads.js";
import { deployEnvironment } from "../../../app/jobs/deploy-environment.js";
import { deployPreview } from "../../../app/jobs/deploy-preview.js";

const CHECK = "Berth / staging";
const STACK = "shop-staging";

function world(overrides: Parameters<typeof buildConfig>[0] = {}): FakeWorld {
  const w = fakeWorld();
  w.configs.set(buildConfig(overrides));
  return w;
}
const gated = () => world({ staging: { ciGate: true } });

describe("deployEnvironment staging: a push", () => {
  it("deploys the pushed commit, records the release with the image that ran, reports a permanent deployment", async () => {
    const w = world();
    const result = await deployEnvironment(environmentJob(), ctx(), w.deps);

    expect(result).toMatchObject({ outcome: "deployed", durationMs: 0 });
    // Once healthy, secret versions the stack no longer refers to are pruned (staging mounts its config's secrets).
    expect(w.swarm.writes().map((c) => [c.op, c.stack])).toEqual([
      ["deployStack", STACK],
      ["removeStackSecrets", STACK],
    ]);
    expect(w.swarm.lastCompose(STACK).services!.web!.deploy?.labels).toMatchObject({ "berth.sha": SHA });
    expect(checkRunEnds(w.github, CHECK)).toEqual(["queued: Queued", "completed/success: Staging is live"]);
    expect(w.github.deploymentsOf("staging")[0]!.spec).toMatchObject({
      ref: SHA,
      transient: false,
      production: false,
      description: "Staging deploy of aaaaaaa",
    });
    expect(deploymentStates(w.github, "staging")).toEqual([["success"]]);
    const [release] = await w.releases.history(REPOSITORY, "staging");
    expect(release).toMatchObject({
      environment: "staging",
      stack: STACK,
      sha: SHA,
      ref: "refs/heads/main",
      trigger: "push",
      sender: "alice",
      images: { web: { ref: TEST_IMAGE, id: TEST_IMAGE_ID } },
      yaml: w.swarm.deploysOf(STACK)[0],
    });
    expect(w.swarm.calls.filter((c) => c.op === "inspectImages").map((c) => c.names)).toEqual([[TEST_IMAGE]]);
  });

  it("tells the merged PR's preview comment where its code now runs (once, even when run twice)", async () => {
    const w = world();
    await deployPreview(previewJob(), ctx("preview"), w.deps); // the PR's sticky comment exists
    w.commits.mergedPulls.set(SHA, [7]);
    await deployEnvironment(environmentJob(), ctx("push-1"), w.deps);
    await deployEnvironment(environmentJob(), ctx("push-2"), w.deps);
    const comment = botComment(w.github, 7, "<!-- berth:preview:pr-7 -->");
    const url = (await w.releases.history(REPOSITORY, "staging"))[0]!.url;
    expect(comment.split(`🚀 \`aaaaaaa\` deployed to staging at ${url}`)).toHaveLength(2);
  });

  it("the same commit and render deployed twice records one release", async () => {
    const w = world();
    await deployEnvironment(environmentJob(), ctx("a"), w.deps);
    await deployEnvironment(environmentJob(), ctx("b"), w.deps); // a redelivered push, a retried job
    expect(await w.releases.history(REPOSITORY, "staging")).toHaveLength(1);
    await deployEnvironment(environmentJob({ target: commit(SHA2) }), ctx("c"), w.deps);
    expect((await w.releases.history(REPOSITORY, "staging")).map((r) => r.sha)).toEqual([SHA2, SHA]);
  });

  it("a failed update keeps the release that ran and says which one serves", async () => {
    const w = world();
    await deployEnvironment(environmentJob(), ctx("first"), w.deps);
    w.swarm.script(STACK, { kind: "tasks-failing" });
    const result = await deployEnvironment(environmentJob({ target: commit(SHA2) }), ctx("second"), w.deps);

    expect(result).toEqual({ outcome: "failed", reason: "3 tasks failed; last: web: task: non-zero exit (1)" });
    expect(w.swarm.writes().map((c) => c.op)).toEqual([
      "deployStack",
      "removeStackSecrets", // after the first, healthy deploy
      "deployStack",
      "rollbackServices",
    ]);
    expect((await w.releases.history(REPOSITORY, "staging")).map((r) => r.sha)).toEqual([SHA]);
    expect(finalCheckRun(w.github, CHECK).summary).toContain("aaaaaaa (the release of ");
    expect(deploymentStates(w.github, "staging").at(-1)).toEqual(["failure"]);
  });

  it("healthy is said at once; a rollback by Swarm afterwards flips the same reports and withdraws the release", async () => {
    const w = world();
    await deployEnvironment(environmentJob(), ctx("first"), w.deps);
    w.swarm.script(STACK, { kind: "healthy-still-updating" }, { kind: "rolled-back" });
    const result = await deployEnvironment(environmentJob({ target: commit(SHA2) }), ctx("second"), w.deps);

    expect(result).toMatchObject({ outcome: "failed" });
    expect((result as { reason: string }).reason).toMatch(
      /^after it first ran healthy, Swarm rolled shop-staging_web back/,
    );
    // One check run and one deployment for the second deploy: success first, then failure on the same ones.
    expect(deploymentStates(w.github, "staging").at(-1)).toEqual(["success", "failure"]);
    const story = checkRunStory(w.github, CHECK).filter((s) => s.startsWith("completed/"));
    expect(story).toEqual(["completed/success: Staging is live", expect.stringMatching(/^completed\/failure: /)]);
    expect(finalCheckRun(w.github, CHECK).summary).toContain("aaaaaaa (the release of ");
    // What serves is the first release again: the second is no release to promote or roll back to.
    expect((await w.releases.history(REPOSITORY, "staging")).map((r) => r.sha)).toEqual([SHA]);
  });

  it("a newer deploy queued while Swarm still watches the update ends the watch: success stands, the lock is freed", async () => {
    const w = world();
    await deployEnvironment(environmentJob(), ctx("first"), w.deps);
    // A rollback would follow if the job kept watching; the newer job takes over the environment instead.
    w.swarm.script(STACK, { kind: "healthy-still-updating" }, { kind: "rolled-back" });
    const newerQueued = { ...ctx("second"), superseded: () => Promise.resolve(true) };
    const result = await deployEnvironment(environmentJob({ target: commit(SHA2) }), newerQueued, w.deps);

    expect(result).toMatchObject({ outcome: "deployed" });
    expect(deploymentStates(w.github, "staging").at(-1)).toEqual(["success"]);
    expect((await w.releases.history(REPOSITORY, "staging")).map((r) => r.sha)).toEqual([SHA2, SHA]);
  });

  it("a stack removed by hand while Swarm still watches the update ends the watch at once: success stands", async () => {
    const w = world();
    await deployEnvironment(environmentJob(), ctx("first"), w.deps);
    w.swarm.script(STACK, { kind: "healthy-still-updating" }, { kind: "removed" });
    const started = w.clock.now();
    const result = await deployEnvironment(environmentJob({ target: commit(SHA2) }), ctx("second"), w.deps);

    expect(result).toMatchObject({ outcome: "deployed" });
    expect(w.clock.now()).toBe(started); // no waiting on toward the watch's deadline
    expect(deploymentStates(w.github, "staging").at(-1)).toEqual(["success"]);
    expect(w.swarm.writes().filter((c) => c.op === "rollbackServices" || c.op === "removeStack")).toEqual([]);
  });

  it("skips without a config, with staging disabled; refuses to run without a release store", async () => {
    const w = world({ staging: { enabled: false } });
    expect(await deployEnvironment(environmentJob(), ctx(), w.deps)).toEqual({
      outcome: "skipped",
      reason: "staging disabled in config",
    });
    expect(await deployEnvironment(environmentJob({ repository: "acme/none" }), ctx(), w.deps)).toEqual({
      outcome: "skipped",
      reason: "no deploy config",
    });
    delete w.deps.releases;
    await expect(deployEnvironment(environmentJob(), ctx(), w.deps)).rejects.toThrow("no release store");
    expect(w.swarm.calls).toEqual([]);
    expect(w.github.calls).toEqual([]);
  });

  it("an invalid config or a stack that does not render: config error, no deployment, nothing deployed", async () => {
    const w = fakeWorld();
    w.configs.setInvalid(REPOSITORY, "deploy-configs/shop.yml", [
      { file: "deploy-configs/shop.yml", line: 3, col: 1, path: "/app", message: "required" },
    ]);
    expect(await deployEnvironment(environmentJob(), ctx("a"), w.deps)).toEqual({
      outcome: "failed",
      reason: "invalid deploy config (1 problems)",
    });
    w.configs.set(buildConfig({ template: "missing.yml" }));
    expect(await deployEnvironment(environmentJob(), ctx("b"), w.deps)).toEqual({
      outcome: "failed",
      reason: "stack could not be rendered",
    });
    expect(w.github.checkRuns.map((r) => brief(w.github.lastState(r)))).toEqual([
      "completed/failure: Invalid deploy config (1 problem)",
      "completed/failure: Invalid deploy config (1 problem)",
    ]);
    expect(w.github.deployments).toEqual([]);
    expect(w.swarm.calls).toEqual([]);
  });
});

describe("deployEnvironment staging: the CI gate", () => {
  it("CI still running: the deploy waits (recorded for the CI event), nothing reaches the Swarm", async () => {
    const w = gated();
    w.commits.suites.set(SHA, [suite("in_progress"), suite("in_progress", null, APP_ID)]);
    const result = await deployEnvironment(environmentJob(), ctx("push"), w.deps);

    expect(result).toEqual({ outcome: "waiting", reason: "waiting for CI: CI 7 (in_progress)" });
    expect(w.swarm.calls).toEqual([]);
    expect(await w.releases.waiting(REPOSITORY, "staging")).toMatchObject({
      jobId: "push",
      sha: SHA,
      waitingFor: "ci",
      trigger: "push",
    });
    expect(brief(finalCheckRun(w.github, CHECK))).toBe("in_progress: Waiting for CI: CI 7 (in_progress)");
    expect(deploymentStates(w.github, "staging")).toEqual([["pending"]]);
  });

  it("the CI event releases the waiting deploy, which reports on its own check run and deployment", async () => {
    const w = gated();
    w.commits.suites.set(SHA, [suite("in_progress")]);
    await deployEnvironment(environmentJob(), ctx("push"), w.deps);
    w.commits.suites.set(SHA, [suite("completed", "success")]);
    const result = await deployEnvironment(
      environmentJob({ target: { kind: "ci-completed", sha: SHA } }),
      ctx("ci-event"),
      w.deps,
    );

    expect(result.outcome).toBe("deployed");
    expect(w.github.checkRuns).toHaveLength(1);
    expect(w.github.deployments).toHaveLength(1);
    expect(checkRunStory(w.github, CHECK).at(-1)).toBe("completed/success: Staging is live");
    expect(deploymentStates(w.github, "staging")).toEqual([["pending", "success"]]);
    expect(await w.releases.waiting(REPOSITORY, "staging")).toBeUndefined();
    expect((await w.releases.history(REPOSITORY, "staging"))[0]).toMatchObject({ sha: SHA, trigger: "push" });
  });

  it("a CI event with no deploy waiting for that commit does nothing", async () => {
    const w = gated();
    expect(
      await deployEnvironment(environmentJob({ target: { kind: "ci-completed", sha: SHA } }), ctx(), w.deps),
    ).toEqual({
      outcome: "skipped",
      reason: "no staging deploy waits for CI of this commit",
    });
    w.commits.suites.set(SHA, [suite("queued")]);
    await deployEnvironment(environmentJob(), ctx("push"), w.deps);
    expect(
      (await deployEnvironment(environmentJob({ target: { kind: "ci-completed", sha: SHA2 } }), ctx(), w.deps)).outcome,
    ).toBe("skipped");
    expect(w.swarm.calls).toEqual([]);
  });

  it("failed CI: nothing deployed, the check run and deployment fail with the suite's name", async () => {
    const w = gated();
    w.commits.suites.set(SHA, [suite("completed", "failure")]);
    const result = await deployEnvironment(environmentJob(), ctx(), w.deps);
    expect(result).toEqual({ outcome: "failed", reason: "CI failed: CI 7 concluded failure; nothing was deployed" });
    expect(w.swarm.calls).toEqual([]);
    expect(brief(finalCheckRun(w.github, CHECK))).toBe("completed/failure: Deploy failed: CI failed");
    expect(deploymentStates(w.github, "staging")).toEqual([["failure"]]);
  });

  it("a newer commit supersedes the waiting one: its check run is cancelled and its deployment inactive", async () => {
    const w = gated();
    w.commits.suites.set(SHA, [suite("in_progress")]);
    w.commits.suites.set(SHA2, [suite("in_progress")]);
    await deployEnvironment(environmentJob(), ctx("push-a"), w.deps);
    const result = await deployEnvironment(environmentJob({ target: commit(SHA2) }), ctx("push-b"), w.deps);

    expect(result.outcome).toBe("waiting");
    const [older, newer] = w.github.checkRunsNamed(CHECK);
    expect(brief(w.github.lastState(older!))).toBe(
      "completed/cancelled: Superseded: bbbbbbb came after it; nothing was deployed for aaaaaaa",
    );
    expect(brief(w.github.lastState(newer!))).toBe("in_progress: Waiting for CI: CI 7 (in_progress)");
    expect(deploymentStates(w.github, "staging")).toEqual([["pending", "inactive"], ["pending"]]);
    expect(await w.releases.waiting(REPOSITORY, "staging")).toMatchObject({ jobId: "push-b", sha: SHA2 });
    expect(w.swarm.calls).toEqual([]);
  });
});
