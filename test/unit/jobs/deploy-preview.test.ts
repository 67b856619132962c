// deployPreview through the fakes: the happy path, each way a deploy fails and how it is recovered, what GitHub is
// told at each step, and what reaches the Swarm (and what does not).
import { describe, expect, it } from "vitest";
import { fakeWorld, type FakeWorld } from "../../helpers/fakes/index.js";
import { buildConfig, REPOSITORY } from "../../helpers/config-builder.js";
import { ctx, previewJob, pullRequest, SHA, SHA2 } from "../../helpers/job-builders.js";
import { checkRunStory, deploymentStates, finalCheckRun, botComment } from "../../helpers/github-reads.js";
import { deployPreview } from "../../../app/jobs/deploy-preview.js";

const CHECK = "Berth / preview";
const STACK = "shop-pr-7";
const URL = "http://127.0.0.1:20007";
const MARKER = "<!-- berth:preview:pr-7 -->";

function world(overrides: Parameters<typeof buildConfig>[0] = {}): FakeWorld {
  const w = fakeWorld();
  w.configs.set(buildConfig(overrides));
  return w;
}

/** A first healthy deploy of SHA, then the test's own calls start from a clean record. */
async function deployedOnce(w: FakeWorld): Promise<void> {
  expect((await deployPreview(previewJob(), ctx("job-0"), w.deps)).outcome).toBe("deployed");
  w.github.calls.length = 0;
  w.swarm.calls.length = 0;
}

describe("deployPreview: healthy", () => {
  it("deploys the rendered stack, probes the URL and reports check run, deployment and comment in order", async () => {
    const w = world();
    const result = await deployPreview(previewJob(), ctx(), w.deps);

    expect(result).toEqual({ outcome: "deployed", url: URL, durationMs: 0 });
    expect(w.swarm.writes().map((c) => [c.op, c.stack])).toEqual([
      ["deployStack", STACK],
      ["removeStackSecrets", STACK],
    ]);
    const web = w.swarm.lastCompose(STACK).services!.web!;
    expect(web.image).toBe("berth-test-web:1");
    expect(web.deploy?.replicas).toBe(1);
    expect(web.deploy?.labels).toMatchObject({ "berth.sha": SHA, "berth.environment": "pr-7" });
    expect(w.probe.probed.map((p) => p.url)).toEqual([`${URL}/healthz`]);
    expect(w.managers).toContain("berth@127.0.0.1:2222");

    // Issue 12: the job queues every picture (the write scheduler coalesces progress); the sticky comment is written
    // once, with the outcome, after the check run's conclusion and the deployment's final status.
    const apis = w.github.apis();
    expect(apis[0]).toBe("pullRequest"); // the PR's head as GitHub has it now: a late webhook deploys nothing
    expect(apis[1]).toBe("createCheckRun");
    expect(apis.filter((a) => a === "createDeployment")).toHaveLength(1);
    expect(apis.indexOf("createDeployment")).toBeLessThan(apis.indexOf("createDeploymentStatus"));
    expect(apis.slice(-3)).toEqual(["updateCheckRun", "createDeploymentStatus", "upsertStickyComment"]);
    expect(apis.filter((a) => a === "upsertStickyComment")).toHaveLength(1);
    const story = checkRunStory(w.github, CHECK);
    expect(story[0]).toBe("queued: Queued");
    expect(story).toContain("in_progress: 0/1 tasks running");
    expect(story.slice(1, -1).every((s) => s.startsWith("in_progress: "))).toBe(true);
    expect(story.at(-1)).toBe("completed/success: Preview is live");
    const [deployment] = w.github.deploymentsOf("pr-7");
    expect(deployment!.spec).toMatchObject({ ref: SHA, transient: true, production: false });
    expect(deployment!.statuses.at(-1)).toMatchObject({ state: "success", environmentUrl: URL });
    expect(deploymentStates(w.github, "pr-7")).toEqual([["success"]]);
    expect(botComment(w.github, 7, MARKER)).toContain(URL);
    expect(w.handles.byJob.get("job-1")).toMatchObject({
      checkRunId: expect.any(Number),
      deploymentId: deployment!.id,
    });
  });

  it("a retried job edits the same check run and deployment instead of creating new ones", async () => {
    const w = world();
    await deployPreview(previewJob(), ctx("job-1", 1), w.deps);
    await deployPreview(previewJob(), ctx("job-1", 2), w.deps);
    expect(w.github.callsOf("createCheckRun")).toHaveLength(1);
    expect(w.github.callsOf("createDeployment")).toHaveLength(1);
    expect(w.swarm.deploysOf(STACK)).toHaveLength(2);
    expect(w.swarm.deploysOf(STACK)[0]).toBe(w.swarm.deploysOf(STACK)[1]);
  });

  it("keeps counts stored by /scale while the config's replicas are unchanged; a config change wins", async () => {
    const w = world({ services: { web: { replicas: 1, maxReplicas: 4 } } });
    await w.replicas.set(REPOSITORY, 7, "web", { replicas: 3, baseline: 1 });
    await deployPreview(previewJob(), ctx(), w.deps);
    expect(w.swarm.lastCompose(STACK).services!.web!.deploy?.replicas).toBe(3);

    w.configs.set(buildConfig({ services: { web: { replicas: 2, maxReplicas: 4 } } }));
    await deployPreview(previewJob({ sha: SHA2 }), ctx("job-2"), w.deps);
    expect(w.swarm.lastCompose(STACK).services!.web!.deploy?.replicas).toBe(2);
  });
});

describe("deployPreview: nothing to do", () => {
  it("skips a repository without a deploy config, silently", async () => {
    const w = fakeWorld();
    expect(await deployPreview(previewJob(), ctx(), w.deps)).toEqual({
      outcome: "skipped",
      reason: "no deploy config",
    });
    expect(w.github.calls).toEqual([]);
    expect(w.swarm.calls).toEqual([]);
  });

  it("skips when previews are disabled in the config", async () => {
    const w = world({ preview: { enabled: false } });
    expect(await deployPreview(previewJob(), ctx(), w.deps)).toEqual({
      outcome: "skipped",
      reason: "previews disabled in config",
    });
    expect(w.swarm.calls).toEqual([]);
    expect(w.github.calls).toEqual([]);
  });
});

describe("deployPreview: a PR event for a commit that is no longer the head", () => {
  it("is superseded: nothing reported, nothing deployed", async () => {
    const w = world();
    w.commands.pulls.set(7, pullRequest({ headSha: SHA2 }));
    expect(await deployPreview(previewJob(), ctx(), w.deps)).toEqual({
      outcome: "superseded",
      by: "the PR's head is bbbbbbb now (its deploy is queued)",
    });
    w.commands.pulls.set(7, pullRequest({ state: "closed" }));
    expect(await deployPreview(previewJob(), ctx(), w.deps)).toEqual({ outcome: "superseded", by: "the PR is closed" });
    expect(w.swarm.calls).toEqual([]);
    expect(w.github.apis()).toEqual(["pullRequest", "pullRequest"]);
  });

  it("a deploy a command asked for names its commit on purpose and is not checked", async () => {
    const w = world();
    w.commands.pulls.set(7, pullRequest({ headSha: SHA2 }));
    expect((await deployPreview(previewJob({ trigger: "redeploy" }), ctx(), w.deps)).outcome).toBe("deployed");
    expect(w.github.callsOf("pullRequest")).toEqual([]);
  });

  it("when GitHub cannot say, the pushed commit deploys", async () => {
    const w = world();
    w.github.failOn("pullRequest", new Error("GitHub 502"));
    expect((await deployPreview(previewJob(), ctx(), w.deps)).outcome).toBe("deployed");
  });
});

describe("deployPreview: failures and recovery", () => {
  it("tasks failing on a first deploy: the stack is removed and the failed task's logs are shown", async () => {
    const w = world();
    w.swarm.script(STACK, { kind: "tasks-failing", error: "task: non-zero exit (3)" });
    w.swarm.logs.set("task30000000", ["panic: boom"]); // the newest failed task's own logs
    const result = await deployPreview(previewJob(), ctx(), w.deps);

    expect(result).toEqual({ outcome: "failed", reason: "3 tasks failed; last: web: task: non-zero exit (3)" });
    expect(w.swarm.writes().map((c) => [c.op, c.stack])).toEqual([
      ["deployStack", STACK],
      ["removeStack", STACK],
    ]);
    expect(w.swarm.stacks.has(STACK)).toBe(false);
    const final = finalCheckRun(w.github, CHECK);
    expect(final).toMatchObject({
      status: "completed",
      conclusion: "failure",
      title: "Deploy failed: 3 tasks failed; last",
    });
    expect(final.summary).toContain("nothing (the failed stack was removed)");
    expect(final.summary + (final.text ?? "")).toContain("panic: boom");
    expect(deploymentStates(w.github, "pr-7")).toEqual([["failure"]]);
  });

  it("tasks failing on an update: the services are rolled back, the stack stays", async () => {
    const w = world();
    await deployedOnce(w);
    w.swarm.script(STACK, { kind: "tasks-failing" });
    const result = await deployPreview(previewJob({ sha: SHA2 }), ctx("job-2"), w.deps);

    expect(result.outcome).toBe("failed");
    expect(w.swarm.writes().map((c) => c.op)).toEqual(["deployStack", "rollbackServices"]);
    expect(w.swarm.writes()[1]!.names).toEqual([`${STACK}_web`]);
    expect(w.swarm.stacks.has(STACK)).toBe(true);
    expect(finalCheckRun(w.github, CHECK).summary).toContain("the previous version (rolled back)");
  });

  it("an update Swarm already rolled back is not rolled back again, and the failure is still reported", async () => {
    const w = world();
    await deployedOnce(w);
    w.swarm.script(STACK, { kind: "rolled-back", message: "update paused due to failure" });
    const result = await deployPreview(previewJob({ sha: SHA2 }), ctx("job-2"), w.deps);

    expect(result).toEqual({
      outcome: "failed",
      reason: `Swarm rolled ${STACK}_web back: update paused due to failure`,
    });
    expect(w.swarm.writes().map((c) => c.op)).toEqual(["deployStack"]);
    expect(finalCheckRun(w.github, CHECK)).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(deploymentStates(w.github, "pr-7").at(-1)).toEqual(["failure"]);
    expect(botComment(w.github, 7, MARKER)).toMatch(/fail/i);
  });

  it("a URL that never answers 2xx fails the deploy at the health deadline (no real waiting)", async () => {
    const w = world();
    w.probe.fail(`${URL}/healthz`, { status: 502, detail: "bad gateway" });
    const started = w.clock.now();
    const result = await deployPreview(previewJob(), ctx(), w.deps);

    expect(result.outcome).toBe("failed");
    expect(result).toMatchObject({ reason: expect.stringContaining(`${URL}/healthz did not answer 2xx within 180 s`) });
    expect(w.clock.now()).toBe(started + 180_000);
    expect(w.swarm.writes().map((c) => c.op)).toEqual(["deployStack", "removeStack"]);
    expect(finalCheckRun(w.github, CHECK).conclusion).toBe("failure");
  });

  it("tasks that never start time out with the count that was missing", async () => {
    const w = world();
    w.swarm.script(STACK, { kind: "timeout" });
    const result = await deployPreview(previewJob(), ctx(), w.deps);
    expect(result).toEqual({ outcome: "failed", reason: "not healthy before the deadline (web 0/1)" });
    expect(w.probe.probed).toEqual([]);
    expect(w.swarm.writes().map((c) => c.op)).toEqual(["deployStack", "removeStack"]);
  });

  it("a stack removed by hand while it converges fails the deploy at once, with nothing to roll back or remove", async () => {
    const w = world();
    await deployedOnce(w);
    w.swarm.script(STACK, { kind: "removed" });
    const started = w.clock.now();
    const probesBefore = w.probe.probed.length;
    const result = await deployPreview(previewJob({ sha: SHA2 }), ctx("job-2"), w.deps);

    expect(result).toEqual({
      outcome: "failed",
      reason: "the stack was removed while Berth watched it (by hand or by another tool)",
    });
    expect(w.clock.now()).toBe(started);
    expect(w.probe.probed).toHaveLength(probesBefore);
    expect(w.swarm.writes().map((c) => c.op)).toEqual(["deployStack"]);
    expect(finalCheckRun(w.github, CHECK)).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(finalCheckRun(w.github, CHECK).summary).toContain("nothing (the stack was removed)");
  });

  it("a paused update is rolled back by Berth", async () => {
    const w = world();
    await deployedOnce(w);
    w.swarm.script(STACK, { kind: "paused" });
    expect((await deployPreview(previewJob({ sha: SHA2 }), ctx("job-2"), w.deps)).outcome).toBe("failed");
    expect(w.swarm.writes().map((c) => c.op)).toEqual(["deployStack", "rollbackServices"]);
  });

  it("a GitHub failure while reporting fails the job (so it retries) after the deploy itself", async () => {
    const w = world();
    w.github.failOn("updateCheckRun", new Error("GitHub 502"));
    await expect(deployPreview(previewJob(), ctx(), w.deps)).rejects.toThrow("GitHub 502");
    expect(w.swarm.deploysOf(STACK)).toHaveLength(1);
  });
});
