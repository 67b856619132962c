// deployEnvironment for production: a tag promotes the image staging ran for that commit (never a rebuild), a
// release names a tag GitHub resolves, requireApproval holds the deploy until an admin's /deploy production, and
// /deploy production without a waiting deploy promotes what staging runs now.
import { describe, expect, it } from "vitest";
import { fakeWorld, TEST_IMAGE_ID, type FakeWorld } from "../../helpers/fakes/index.js";
import { buildConfig, REPOSITORY } from "../../helpers/config-builder.js";
import { commit, ctx, environmentJob, SHA, SHA2, suite } from "../../helpers/job-builders.js";
import { brief, checkRunEnds, deploymentStates, finalCheckRun } from "../../helpers/github-reads.js";
import { deployEnvironment } from "../../../app/jobs/deploy-environment.js";

const CHECK = "Berth / production";
const STACK = "shop"; // production runs as the app's own stack name
const tag = (sha = SHA) => environmentJob({ environment: "production", target: commit(sha, "tag") });
const released = () => environmentJob({ environment: "production", target: { kind: "tag", tag: "v1.0.0" } });
const command = () => environmentJob({ environment: "production", target: { kind: "promote-staging" }, pr: 7 });

/** Staging ran SHA healthy (and SHA2 after it when `both`). */
async function staged(overrides: Parameters<typeof buildConfig>[0] = {}, both = false): Promise<FakeWorld> {
  const w = fakeWorld();
  w.configs.set(buildConfig(overrides));
  expect((await deployEnvironment(environmentJob(), ctx("staging-1"), w.deps)).outcome).toBe("deployed");
  if (both)
    expect((await deployEnvironment(environmentJob({ target: commit(SHA2) }), ctx("staging-2"), w.deps)).outcome).toBe(
      "deployed",
    );
  w.github.calls.length = 0;
  w.swarm.calls.length = 0;
  return w;
}

describe("deployEnvironment production: promotion", () => {
  it("a matching tag deploys the image ID staging ran for that commit, reported as a production deployment", async () => {
    const w = await staged();
    const result = await deployEnvironment(tag(), ctx("tag"), w.deps);

    expect(result.outcome).toBe("deployed");
    // Once healthy, secret versions the stack no longer refers to are pruned.
    expect(w.swarm.writes().map((c) => [c.op, c.stack])).toEqual([
      ["deployStack", STACK],
      ["removeStackSecrets", STACK],
    ]);
    expect(w.swarm.lastCompose(STACK).services!.web!.image).toBe(TEST_IMAGE_ID);
    expect(w.swarm.calls.some((c) => c.op === "buildImage")).toBe(false);
    expect(w.github.callsOf("checkSuites").map((c) => c.sha)).toEqual([SHA]); // production's CI gate is on
    expect(checkRunEnds(w.github, CHECK)).toEqual(["queued: Queued", "completed/success: Production is live"]);
    expect(w.github.deploymentsOf("production")[0]!.spec).toMatchObject({
      production: true,
      transient: false,
      description: "Production deploy of aaaaaaa",
    });
    const [release] = await w.releases.history(REPOSITORY, "production");
    expect(release).toMatchObject({
      sha: SHA,
      trigger: "tag",
      images: { web: { ref: TEST_IMAGE_ID, id: TEST_IMAGE_ID } },
    });
  });

  it("an image staging ran by registry digest is promoted by that digest", async () => {
    const digest = `127.0.0.1:5055/shop@sha256:${"9".repeat(64)}`;
    const w = fakeWorld();
    w.swarm.addImage("127.0.0.1:5055/shop:1", `sha256:${"8".repeat(64)}`, [digest]);
    w.configs.set(buildConfig({ services: { web: { image: "127.0.0.1:5055/shop:1" } } }));
    await deployEnvironment(environmentJob(), ctx("staging"), w.deps);
    await deployEnvironment(tag(), ctx("tag"), w.deps);
    expect(w.swarm.lastCompose(STACK).services!.web!.image).toBe(digest);
  });

  it("a commit that never ran healthy on staging is not promoted", async () => {
    const w = await staged();
    const result = await deployEnvironment(tag(SHA2), ctx("tag"), w.deps);
    expect(result).toEqual({
      outcome: "failed",
      reason: "bbbbbbb never ran healthy on staging, so there is no tested image to promote; push it to main first",
    });
    expect(w.swarm.writes()).toEqual([]);
    expect(brief(finalCheckRun(w.github, CHECK))).toBe(
      "completed/failure: Deploy failed: bbbbbbb never ran healthy on staging, so there is no tested image to promote; push it to main first",
    );
    expect(deploymentStates(w.github, "production")).toEqual([["failure"]]);
  });

  it("a release names only its tag: GitHub resolves the commit, then it promotes as a tag does", async () => {
    const w = await staged();
    w.commits.refs.set("v1.0.0", SHA);
    const result = await deployEnvironment(released(), ctx("release"), w.deps);
    expect(result.outcome).toBe("deployed");
    expect(w.github.callsOf("resolveCommit").map((c) => c.ref)).toEqual(["v1.0.0"]);
    expect((await w.releases.history(REPOSITORY, "production"))[0]).toMatchObject({ sha: SHA, trigger: "release" });
  });

  it("a tag push and its release.published (same commit, same render) record one release", async () => {
    const w = await staged();
    w.commits.refs.set("v1.0.0", SHA);
    await deployEnvironment(tag(), ctx("tag"), w.deps);
    await deployEnvironment(released(), ctx("release"), w.deps);
    expect(w.swarm.deploysOf(STACK)).toHaveLength(2);
    expect((await w.releases.history(REPOSITORY, "production")).map((r) => [r.sha, r.trigger])).toEqual([[SHA, "tag"]]);
  });

  it("production's CI gate holds a tag whose CI failed", async () => {
    const w = await staged();
    w.commits.suites.set(SHA, [suite("completed", "timed_out")]);
    expect(await deployEnvironment(tag(), ctx("tag"), w.deps)).toEqual({
      outcome: "failed",
      reason: "CI failed: CI 7 concluded timed_out; nothing was deployed",
    });
    expect(w.swarm.writes()).toEqual([]);
  });
});

describe("deployEnvironment production: approval and /deploy production", () => {
  const approval = { production: { requireApproval: true } };

  it("requireApproval: a tag waits for an admin, reported as waiting; nothing deployed", async () => {
    const w = await staged(approval);
    const result = await deployEnvironment(tag(), ctx("tag"), w.deps);
    expect(result).toEqual({ outcome: "waiting", reason: "waiting for an admin's /deploy production" });
    expect(await w.releases.waiting(REPOSITORY, "production")).toMatchObject({
      jobId: "tag",
      sha: SHA,
      waitingFor: "approval",
    });
    expect(brief(finalCheckRun(w.github, CHECK))).toBe("in_progress: Waiting for an admin's /deploy production");
    expect(deploymentStates(w.github, "production")).toEqual([["pending"]]);
    expect(w.swarm.writes()).toEqual([]);
  });

  it("/deploy production releases the waiting deploy on its own check run and deployment", async () => {
    const w = await staged(approval, true);
    await deployEnvironment(tag(), ctx("tag"), w.deps); // SHA waits, although staging now runs SHA2
    const result = await deployEnvironment(command(), ctx("command"), w.deps);

    expect(result.outcome).toBe("deployed");
    expect(w.github.checkRunsNamed(CHECK)).toHaveLength(1);
    expect(w.github.callsOf("createCheckRun")[0]!.externalId).toBe("tag");
    expect(deploymentStates(w.github, "production")).toEqual([["pending", "success"]]);
    expect(await w.releases.waiting(REPOSITORY, "production")).toBeUndefined();
    expect((await w.releases.history(REPOSITORY, "production"))[0]).toMatchObject({
      sha: SHA,
      ref: "refs/tags/v1.0.0",
    });
  });

  it("/deploy production with nothing waiting promotes the commit staging runs now", async () => {
    const w = await staged(approval, true);
    expect((await deployEnvironment(command(), ctx("command"), w.deps)).outcome).toBe("deployed");
    expect((await w.releases.history(REPOSITORY, "production"))[0]).toMatchObject({ sha: SHA2, trigger: "command" });
  });

  it("/deploy production before staging ever ran: nothing to promote, nothing reported or deployed", async () => {
    const w = fakeWorld();
    w.configs.set(buildConfig(approval));
    expect(await deployEnvironment(command(), ctx("command"), w.deps)).toEqual({
      outcome: "failed",
      reason: "nothing to promote: staging has no healthy release yet",
    });
    expect(w.swarm.calls).toEqual([]);
    expect(w.github.calls).toEqual([]);
  });

  it("production disabled: skipped", async () => {
    const w = await staged({ production: { enabled: false } });
    expect(await deployEnvironment(tag(), ctx("tag"), w.deps)).toEqual({
      outcome: "skipped",
      reason: "production disabled in config",
    });
  });
});
