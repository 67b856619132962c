// deployPreview's gates before anything reaches the Swarm: trust and approvals, invalid configs, quotas, the cap
// on live previews (refuse or evict the least recently active), and secrets.
import { describe, expect, it } from "vitest";
import { fakeWorld, type FakeWorld } from "../../helpers/fakes/index.js";
import { buildConfig, REPOSITORY } from "../../helpers/config-builder.js";
import { ctx, previewJob, RECEIVED_AT, SHA, SHA2 } from "../../helpers/job-builders.js";
import { brief, checkRunStory, finalCheckRun } from "../../helpers/github-reads.js";
import { deployPreview } from "../../../app/jobs/deploy-preview.js";

const CHECK = "Berth / preview";
const STACK = "shop-pr-7";

function world(overrides: Parameters<typeof buildConfig>[0] = {}): FakeWorld {
  const w = fakeWorld();
  w.configs.set(buildConfig(overrides));
  return w;
}

// The evicted preview's teardown job, run by another worker: its stack is gone once it is queued (not a write of
// the deploy under test, so it does not show in w.swarm.writes()).
const teardownRunsElsewhere = (w: FakeWorld) => {
  w.queue.onEnqueue = (job) => {
    if (job.kind === "teardown-preview") w.swarm.stacks.delete(`shop-pr-${job.pr}`);
  };
};

const livePreview = (w: FakeWorld, pr: number) =>
  w.swarm.seedStack(`shop-pr-${pr}`, { repository: REPOSITORY, environment: `pr-${pr}` }, [
    { service: "web", replicas: 1, cpus: 0.5 },
  ]);

describe("deployPreview: untrusted code waits for an approval of its commit", () => {
  it("a fork's PR waits: action_required check run, no deployment, nothing on the Swarm, no secrets read", async () => {
    const w = world({ secrets: { db: { env: "DB_PASSWORD" } } });
    const result = await deployPreview(previewJob({ trusted: false, authorAssociation: "CONTRIBUTOR" }), ctx(), w.deps);

    expect(result).toEqual({ outcome: "waiting", reason: "waiting for approval" });
    expect(w.swarm.calls).toEqual([]);
    expect(w.github.callsOf("createDeployment")).toEqual([]);
    const final = finalCheckRun(w.github, CHECK);
    expect(brief(final)).toBe("completed/action_required: Waiting for approval");
    expect(final.summary).toContain("its author is CONTRIBUTOR (not an owner, member or collaborator)");
    expect(final.summary).toContain("approves commit aaaaaaa by commenting `/approve`");
    expect(await w.trust.isUntrusted(REPOSITORY, 7)).toBe(true);
  });

  it("an association that is not GitHub's keyword never reaches the note; the PR is described as a fork", async () => {
    const w = world();
    await deployPreview(previewJob({ trusted: false, authorAssociation: "[x](https://evil)" }), ctx(), w.deps);
    const summary = finalCheckRun(w.github, CHECK).summary;
    expect(summary).toContain("it comes from a fork");
    expect(summary).not.toContain("evil");
  });

  it("deploys once this exact commit is approved; a new commit waits again", async () => {
    const w = world();
    await w.approvals.approve(REPOSITORY, 7, SHA, "maintainer");
    expect((await deployPreview(previewJob({ trusted: false }), ctx(), w.deps)).outcome).toBe("deployed");
    expect(w.swarm.deploysOf(STACK)).toHaveLength(1);

    const next = await deployPreview(previewJob({ trusted: false, sha: SHA2 }), ctx("job-2"), w.deps);
    expect(next.outcome).toBe("waiting");
    expect(w.swarm.deploysOf(STACK)).toHaveLength(1);
  });

  it("a deploy queued by a command without a verdict inherits the PR's last pull_request event (untrusted)", async () => {
    const w = world();
    await deployPreview(previewJob({ trusted: false }), ctx("job-pr"), w.deps);
    const byCommand = previewJob({ trusted: undefined, authorAssociation: undefined, trigger: "redeploy" });
    expect((await deployPreview(byCommand, ctx("job-cmd"), w.deps)).outcome).toBe("waiting");
    expect(w.swarm.calls).toEqual([]);
  });

  it("a trusted pull_request event clears an earlier untrusted verdict", async () => {
    const w = world();
    await w.trust.remember(REPOSITORY, 7, false);
    expect((await deployPreview(previewJob({ trusted: true }), ctx(), w.deps)).outcome).toBe("deployed");
    expect(await w.trust.isUntrusted(REPOSITORY, 7)).toBe(false);
  });
});

describe("deployPreview: invalid configs never reach the Swarm", () => {
  it("a config with problems: failing check run listing file:line:col, no deployment, nothing deployed", async () => {
    const w = fakeWorld();
    w.configs.setInvalid(REPOSITORY, "deploy-configs/shop.yml", [
      {
        file: "deploy-configs/shop.yml",
        line: 12,
        col: 5,
        path: "/services/web/replicas",
        message: "must be at least 0",
      },
    ]);
    const result = await deployPreview(previewJob(), ctx(), w.deps);

    expect(result).toEqual({ outcome: "failed", reason: "invalid deploy config (1 problems)" });
    expect(w.swarm.calls).toEqual([]);
    expect(w.github.apis()).toEqual(["createCheckRun", "updateCheckRun", "upsertStickyComment"]);
    const final = finalCheckRun(w.github, CHECK);
    expect(brief(final)).toBe("completed/failure: Invalid deploy config (1 problem)");
    expect(final.summary).toContain("`deploy-configs/shop.yml:12:5` `/services/web/replicas`: must be at least 0");
  });

  it("a template that does not exist is a config problem too", async () => {
    const w = world({ template: "missing.yml" });
    const result = await deployPreview(previewJob(), ctx(), w.deps);
    expect(result).toEqual({ outcome: "failed", reason: "invalid deploy config (1 problems)" });
    expect(finalCheckRun(w.github, CHECK).summary).toContain("templates/missing.yml does not exist");
    expect(w.swarm.writes()).toEqual([]);
  });

  it("the repository quota counts the other live previews: over it, refused with the numbers", async () => {
    const w = world({ quotas: { repository: { cpus: 1 } } });
    livePreview(w, 1);
    livePreview(w, 2);
    const result = await deployPreview(previewJob(), ctx(), w.deps);

    expect(result.outcome).toBe("failed");
    expect(finalCheckRun(w.github, CHECK).summary).toContain(
      "web asks 0.5 CPUs of CPU limit (web 0.5 CPUs × 1 replica) on top of 1 CPU used by its other live environments",
    );
    expect(w.swarm.writes()).toEqual([]);
  });
});

describe("deployPreview: the cap on live previews", () => {
  it("refuse: at the cap a new preview is refused and told what to do", async () => {
    const w = world({ preview: { maxLive: 2 } });
    livePreview(w, 1);
    livePreview(w, 2);
    const result = await deployPreview(previewJob(), ctx(), w.deps);

    expect(result).toEqual({ outcome: "failed", reason: "preview cap reached (2 of 2 live)" });
    const final = finalCheckRun(w.github, CHECK);
    expect(brief(final)).toBe("completed/failure: Not deployed: preview cap reached (2 of 2 live)");
    expect(final.summary).toContain("pr-1, pr-2 are running. Close one of those PRs");
    expect(w.swarm.writes()).toEqual([]);
    expect(w.queue.jobs).toEqual([]);
  });

  it("a preview that is already live is redeployed at the cap", async () => {
    const w = world({ preview: { maxLive: 1 } });
    livePreview(w, 7);
    expect((await deployPreview(previewJob(), ctx(), w.deps)).outcome).toBe("deployed");
  });

  it("evict-lru: the least recently active preview gets a teardown job and the new one deploys", async () => {
    const w = world({ preview: { maxLive: 2, onCap: "evict-lru" } });
    teardownRunsElsewhere(w);
    livePreview(w, 1);
    livePreview(w, 2);
    await w.activity.touch({ repository: REPOSITORY, pr: 1, installationId: 77, at: RECEIVED_AT - 1000 });
    await w.activity.touch({ repository: REPOSITORY, pr: 2, installationId: 77, at: RECEIVED_AT - 5000 });
    const result = await deployPreview(previewJob(), ctx(), w.deps);

    expect(result.outcome).toBe("deployed");
    expect(w.queue.jobs).toEqual([
      expect.objectContaining({
        kind: "teardown-preview",
        reason: "evicted",
        pr: 2,
        deliveryId: `evict-${REPOSITORY}-2-for-7-${SHA.slice(0, 12)}`,
      }),
    ]);
    // The evicted preview is removed by its own job, not by this one.
    expect(w.swarm.writes().map((c) => [c.op, c.stack])).toEqual([
      ["deployStack", STACK],
      ["removeStackSecrets", STACK],
    ]);
  });

  it("evict-lru: a preview without an activity record counts as the oldest", async () => {
    const w = world({ preview: { maxLive: 2, onCap: "evict-lru" } });
    teardownRunsElsewhere(w);
    livePreview(w, 1);
    livePreview(w, 2);
    await w.activity.touch({ repository: REPOSITORY, pr: 2, installationId: 77, at: RECEIVED_AT - 5000 });
    await deployPreview(previewJob(), ctx(), w.deps);
    expect(w.queue.ofKind("teardown-preview").map((j) => j.pr)).toEqual([1]);
  });
});

describe("deployPreview: secrets", () => {
  const withSecret = { secrets: { db: { env: "DB_PASSWORD" } }, services: { web: { secrets: ["db"] } } };

  it("creates the content-hashed secret before the deploy, mounts it, and removes the stack's older versions", async () => {
    const w = world(withSecret);
    w.secrets.values.DB_PASSWORD = "correct-horse-battery-staple";
    await w.swarm.ensureSecret("shop-pr-7_db_old", "old-value-old-value", { "berth.stack": STACK });
    w.swarm.calls.length = 0;
    expect((await deployPreview(previewJob(), ctx(), w.deps)).outcome).toBe("deployed");

    const [created] = w.swarm.writes().filter((c) => c.op === "ensureSecret");
    expect(created!.arg).toMatch(/^shop-pr-7_db_[0-9a-f]+$/);
    expect(w.swarm.writes().map((c) => c.op)).toEqual(["ensureSecret", "deployStack", "removeStackSecrets"]);
    expect(w.swarm.secrets.get(created!.arg!)).toEqual({
      value: "correct-horse-battery-staple",
      labels: { "berth.repository": REPOSITORY, "berth.environment": "pr-7", "berth.stack": STACK },
    });
    expect(w.swarm.lastCompose(STACK).secrets).toEqual({ db: { external: true, name: created!.arg } });
    expect(w.swarm.secrets.has("shop-pr-7_db_old")).toBe(false);
  });

  it("a secret the bot does not have fails the deploy as a config problem, before the Swarm", async () => {
    const w = world(withSecret);
    const result = await deployPreview(previewJob(), ctx(), w.deps);
    expect(result.outcome).toBe("failed");
    expect(finalCheckRun(w.github, CHECK).summary).toContain("DB_PASSWORD is not set in the bot's environment");
    expect(w.swarm.writes()).toEqual([]);
  });

  it("a process without a secret source refuses a config that declares secrets", async () => {
    const w = world(withSecret);
    delete w.deps.secrets;
    expect((await deployPreview(previewJob(), ctx(), w.deps)).outcome).toBe("failed");
    expect(checkRunStory(w.github, CHECK).at(-1)).toBe("completed/failure: Invalid deploy config (1 problem)");
    expect(finalCheckRun(w.github, CHECK).summary).toContain(
      "declares secrets but this Berth process has no secret source",
    );
  });
});
