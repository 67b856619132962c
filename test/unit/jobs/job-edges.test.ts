// The pieces around the jobs: runJob's activity bookkeeping and which jobs supersede, reportJobFailure for every
// job kind, the gates' corner cases, recordRelease's best-effort PR line and apply-stack's best-effort logs.
import { describe, expect, it } from "vitest";
import { APP_ID, fakeWorld, type FakeWorld } from "../../helpers/fakes/index.js";
import { buildConfig, REPOSITORY } from "../../helpers/config-builder.js";
import {
  commandJob,
  commit,
  ctx,
  environmentJob,
  previewJob,
  RECEIVED_AT,
  SHA,
  suite,
  sweepJob,
  teardownJob,
} from "../../helpers/job-builders.js";
import { brief, finalCheckRun, botComment } from "../../helpers/github-reads.js";
import { runJob } from "../../../app/jobs/run-job.js";
import { reportJobFailure } from "../../../app/jobs/report-job-failure.js";
import { deployEnvironment } from "../../../app/jobs/deploy-environment.js";
import { deployPreview } from "../../../app/jobs/deploy-preview.js";
import { supersedes } from "../../../app/jobs/job-data.js";
import { closeSupersededJob } from "../../../app/jobs/close-superseded-job.js";

function world(overrides: Parameters<typeof buildConfig>[0] = {}): FakeWorld {
  const w = fakeWorld();
  w.configs.set(buildConfig(overrides));
  return w;
}

describe("runJob", () => {
  it("a push and a command keep the preview alive (at the webhook's arrival); a teardown forgets it", async () => {
    const w = world();
    w.commands.permissions.set("alice", "read");
    await runJob(previewJob({ receivedAt: RECEIVED_AT }), ctx(), w.deps);
    expect(await w.activity.all()).toEqual([{ repository: REPOSITORY, pr: 7, installationId: 77, at: RECEIVED_AT }]);
    await runJob(commandJob("/help", { receivedAt: RECEIVED_AT + 5 }), ctx("c"), w.deps);
    expect((await w.activity.all())[0]!.at).toBe(RECEIVED_AT + 5);
    await runJob(previewJob({ receivedAt: RECEIVED_AT - 100 }), ctx("late"), w.deps); // a retried, older job
    expect((await w.activity.all())[0]!.at).toBe(RECEIVED_AT + 5);
    await runJob(teardownJob(), ctx("t"), w.deps);
    expect(await w.activity.all()).toEqual([]);
    await runJob(environmentJob({ pr: 7 }), ctx("s"), w.deps);
    expect(await w.activity.all()).toEqual([]);
  });

  it("a push or a command on a repository without a deploy config records no activity", async () => {
    const w = fakeWorld(); // no config at all
    expect(await runJob(previewJob(), ctx(), w.deps)).toEqual({ outcome: "skipped", reason: "no deploy config" });
    expect(await runJob(commandJob("/help"), ctx("c"), w.deps)).toEqual({
      outcome: "skipped",
      reason: "no deploy config",
    });
    expect(await w.activity.all()).toEqual([]);
  });

  it("previews, teardowns and branch deploys supersede older queued jobs; commands, CI events and sweeps do not", () => {
    expect(supersedes(previewJob())).toBe(true);
    expect(supersedes(teardownJob())).toBe(true);
    expect(supersedes(environmentJob())).toBe(true);
    expect(supersedes(environmentJob({ target: { kind: "ci-completed", sha: SHA } }))).toBe(false);
    expect(supersedes(commandJob("/scale web 2"))).toBe(false);
    expect(supersedes(sweepJob())).toBe(false);
  });
});

describe("closeSupersededJob", () => {
  it("an overtaken deploy that reported closes its check run as cancelled and its deployment as inactive", async () => {
    const w = world();
    w.swarm.script("shop-pr-7", { kind: "timeout" });
    await deployPreview(previewJob(), ctx("old"), w.deps);
    w.github.calls.length = 0;
    await closeSupersededJob(previewJob(), "old", w.deps);
    expect(w.github.apis()).toEqual(["updateCheckRun", "createDeploymentStatus"]);
    expect(brief(finalCheckRun(w.github, "Berth / preview"))).toMatch(
      /^completed\/cancelled: Superseded: a newer commit/,
    );
    expect(w.github.deployments[0]!.statuses.at(-1)!.state).toBe("inactive");
  });

  it("a job that never reported, a command or a sweep: nothing to close", async () => {
    const w = world();
    await closeSupersededJob(previewJob(), "never", w.deps);
    await closeSupersededJob(commandJob("/redeploy"), "cmd", w.deps);
    await closeSupersededJob(sweepJob(), "sweep", w.deps);
    expect(w.github.calls).toEqual([]);
  });
});

describe("reportJobFailure", () => {
  const gaveUp = new Error("ssh: connection refused");

  it("a preview deploy that gave up fails its check run (no deployment) and says why", async () => {
    const w = world();
    await reportJobFailure(previewJob(), "job-9", gaveUp, w.deps);
    expect(w.github.apis()).toEqual(["createCheckRun", "updateCheckRun", "upsertStickyComment"]);
    expect(brief(finalCheckRun(w.github, "Berth / preview"))).toBe(
      "completed/failure: Deploy failed: Deploy gave up after retries",
    );
    expect(botComment(w.github, 7, "<!-- berth:preview:pr-7 -->")).toContain("ssh: connection refused");
  });

  it("a teardown that gave up says so in the comment only", async () => {
    const w = world();
    await reportJobFailure(teardownJob(), "job-9", gaveUp, w.deps);
    expect(w.github.apis()).toEqual(["upsertStickyComment"]);
    expect(botComment(w.github, 7, "<!-- berth:preview:pr-7 -->")).toContain("Teardown gave up after retries");
  });

  it("a branch deploy that gave up fails its check run when it knows its commit, else only logs", async () => {
    const w = world();
    await reportJobFailure(environmentJob({ target: { kind: "promote-staging" } }), "job-8", gaveUp, w.deps);
    await reportJobFailure(sweepJob(), "job-7", gaveUp, w.deps);
    expect(w.github.calls).toEqual([]);
    await reportJobFailure(environmentJob(), "job-9", gaveUp, w.deps);
    expect(finalCheckRun(w.github, "Berth / staging").summary).toContain(
      "staging deploy gave up after retries: ssh: connection refused",
    );
  });

  it("a GitHub that is down as well is logged, not thrown", async () => {
    const w = world();
    w.github.failOn("createCheckRun", new Error("GitHub 503"));
    w.github.failOn("upsertStickyComment", new Error("GitHub 503"));
    await expect(reportJobFailure(previewJob(), "job-9", gaveUp, w.deps)).resolves.toBeUndefined();
    await expect(reportJobFailure(environmentJob(), "job-9", gaveUp, w.deps)).resolves.toBeUndefined();
    await expect(reportJobFailure(teardownJob(), "job-9", gaveUp, w.deps)).resolves.toBeUndefined();
  });
});

describe("gates, release record and apply: corner cases", () => {
  it("the CI gate ignores Berth's own check suite and suites no app ever started", async () => {
    const w = world({ staging: { ciGate: true } });
    w.commits.suites.set(SHA, [
      suite("in_progress", null, APP_ID),
      { ...suite("queued", null, 9), latestCheckRunsCount: 0 },
      suite("completed", "success"),
    ]);
    expect((await deployEnvironment(environmentJob(), ctx(), w.deps)).outcome).toBe("deployed");
  });

  it("/deploy production by an admin passes requireApproval; a tag push does not", async () => {
    const w = world({ production: { requireApproval: true, ciGate: false } });
    await deployEnvironment(environmentJob(), ctx("staging"), w.deps);
    const tagged = environmentJob({ environment: "production", target: commit(SHA, "tag") });
    expect((await deployEnvironment(tagged, ctx("tag"), w.deps)).outcome).toBe("waiting");
    const asked = environmentJob({ environment: "production", target: commit(SHA, "command") });
    expect((await deployEnvironment(asked, ctx("cmd"), w.deps)).outcome).toBe("deployed");
  });

  it("a staging deploy whose PR comment cannot be written is still deployed and recorded", async () => {
    const w = world();
    w.github.failOn("mergedPullsOf", new Error("GitHub 502"));
    expect((await deployEnvironment(environmentJob(), ctx(), w.deps)).outcome).toBe("deployed");
    expect(await w.releases.history(REPOSITORY, "staging")).toHaveLength(1);
  });

  it("a staging deploy of a PR's /deploy staging adds the line to that PR without asking GitHub", async () => {
    const w = world();
    await deployPreview(previewJob(), ctx("preview"), w.deps);
    await deployEnvironment(environmentJob({ target: commit(SHA, "command"), pr: 7 }), ctx(), w.deps);
    expect(w.github.callsOf("mergedPullsOf")).toEqual([]);
    expect(botComment(w.github, 7, "<!-- berth:preview:pr-7 -->")).toContain("🚀 `aaaaaaa` deployed to staging");
  });

  it("a failed deploy whose logs cannot be read is still reported as failed and recovered", async () => {
    const w = world();
    w.swarm.script("shop-pr-7", { kind: "tasks-failing" });
    w.swarm.failOn("serviceLogs", new Error("ssh: channel closed"));
    expect((await deployPreview(previewJob(), ctx(), w.deps)).outcome).toBe("failed");
    expect(w.swarm.writes().map((c) => c.op)).toEqual(["deployStack", "removeStack"]);
    expect(finalCheckRun(w.github, "Berth / preview").conclusion).toBe("failure");
  });
});
