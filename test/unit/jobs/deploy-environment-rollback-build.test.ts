// deployEnvironment rollbacks (the release before the current one, a named commit, an unknown one) redeploy the
// recorded stack byte for byte; build from source streams the commit's tarball into docker build on the manager.
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { fakeWorld, type FakeWorld } from "../../helpers/fakes/index.js";
import { buildConfig, REPOSITORY } from "../../helpers/config-builder.js";
import { commit, ctx, environmentJob, SHA, SHA2 } from "../../helpers/job-builders.js";
import { githubTarball } from "../../helpers/tarball.js";
import { checkRunEnds, deploymentStates } from "../../helpers/github-reads.js";
import { deployEnvironment } from "../../../app/jobs/deploy-environment.js";
import { stripTarRoot } from "../../../app/core/tar-root.js";

const STACK = "shop-staging";
const rollback = (sha?: string) =>
  environmentJob({ target: sha ? { kind: "release-of-commit", sha } : { kind: "previous-release" }, pr: 7 });

/** Staging ran SHA, then SHA2 (current). */
async function twoReleases(): Promise<FakeWorld> {
  const w = fakeWorld();
  w.configs.set(buildConfig());
  await deployEnvironment(environmentJob(), ctx("push-1"), w.deps);
  w.clock.advance(60_000);
  await deployEnvironment(environmentJob({ target: commit(SHA2) }), ctx("push-2"), w.deps);
  w.clock.advance(60_000);
  w.github.calls.length = 0;
  w.swarm.calls.length = 0;
  return w;
}

describe("deployEnvironment: rollback", () => {
  it("without a commit: redeploys the release before the current one, byte for byte, and records it", async () => {
    const w = await twoReleases();
    const [current, previous] = await w.releases.history(REPOSITORY, "staging");
    const result = await deployEnvironment(rollback(), ctx("rollback"), w.deps);

    expect(result.outcome).toBe("deployed");
    expect(w.swarm.deploysOf(STACK)).toEqual([previous!.yaml]);
    expect(w.github.callsOf("checkSuites")).toEqual([]); // a rollback restores what ran; no gate
    const history = await w.releases.history(REPOSITORY, "staging");
    expect(history.map((r) => [r.sha, r.trigger])).toEqual([
      [SHA, "rollback"],
      [SHA2, "push"],
      [SHA, "push"],
    ]);
    expect(history[0]).toMatchObject({ restoredFrom: previous!.id, hash: previous!.hash });
    expect(current!.sha).toBe(SHA2);
    expect(w.github.callsOf("appendToStickyComment")).toEqual([]); // not a new commit on staging
    expect(checkRunEnds(w.github, "Berth / staging")[1]).toBe("completed/success: Staging is live");
  });

  it("to a named commit (by prefix) restores that commit's newest release", async () => {
    const w = await twoReleases();
    await deployEnvironment(rollback(), ctx("rollback-1"), w.deps);
    w.swarm.calls.length = 0;
    expect((await deployEnvironment(rollback("bbbbbbb"), ctx("rollback-2"), w.deps)).outcome).toBe("deployed");
    const [, , sha2Release] = await w.releases.history(REPOSITORY, "staging");
    expect(w.swarm.deploysOf(STACK)).toEqual([sha2Release!.yaml]);
    expect((await w.releases.history(REPOSITORY, "staging"))[0]).toMatchObject({ sha: SHA2, trigger: "rollback" });
  });

  it("to a recorded release by id (berth rollback) restores exactly that release", async () => {
    const w = await twoReleases();
    const [, first] = await w.releases.history(REPOSITORY, "staging");
    const job = environmentJob({ target: { kind: "release", releaseId: first!.id, sha: first!.sha } });
    expect((await deployEnvironment(job, ctx("rollback"), w.deps)).outcome).toBe("deployed");
    expect(w.swarm.deploysOf(STACK)).toEqual([first!.yaml]);
    expect((await w.releases.history(REPOSITORY, "staging"))[0]).toMatchObject({ restoredFrom: first!.id });
  });

  it("to a commit not in the history: refused, nothing deployed, no deployment created", async () => {
    const w = await twoReleases();
    expect(await deployEnvironment(rollback("ddddddd"), ctx("rollback"), w.deps)).toEqual({
      outcome: "failed",
      reason: "rollback of staging: no release of ddddddd among the last 2; see berth history",
    });
    expect(w.swarm.writes()).toEqual([]);
    expect(w.github.callsOf("createDeployment")).toEqual([]);
  });

  it("with no history at all: nothing to roll back to", async () => {
    const w = fakeWorld();
    w.configs.set(buildConfig());
    const result = await deployEnvironment(rollback(), ctx(), w.deps);
    expect(result).toMatchObject({ outcome: "failed", reason: expect.stringContaining("nothing to roll back to") });
    expect(w.swarm.calls).toEqual([]);
  });

  it("a rollback whose tasks fail is reported as a failure and recorded nowhere", async () => {
    const w = await twoReleases();
    w.swarm.script(STACK, { kind: "tasks-failing" });
    expect((await deployEnvironment(rollback(), ctx("rollback"), w.deps)).outcome).toBe("failed");
    expect(await w.releases.history(REPOSITORY, "staging")).toHaveLength(2);
    expect(deploymentStates(w.github, "staging").at(-1)).toEqual(["failure"]);
  });
});

describe("deployEnvironment: build from source", () => {
  const build = (registry?: string) => ({ build: { enabled: true, ...(registry ? { registry } : {}) } });
  const source = githubTarball(`acme-shop-${SHA.slice(0, 7)}`, { Dockerfile: "FROM scratch\n", "app.txt": "v1\n" });

  it("builds the commit's source on the manager, pushes it and deploys (and records) the pushed digest", async () => {
    const w = fakeWorld();
    w.configs.set(buildConfig(build("127.0.0.1:5055")));
    w.commits.tarballs.set(SHA, source);
    const result = await deployEnvironment(environmentJob(), ctx("push"), w.deps);

    expect(result.outcome).toBe("deployed");
    const tag = `127.0.0.1:5055/shop:${SHA}`;
    expect(w.swarm.writes().map((c) => [c.op, c.op === "deployStack" ? c.stack : c.arg])).toEqual([
      ["buildImage", tag],
      ["pushImage", tag],
      ["deployStack", STACK],
      ["removeStackSecrets", undefined], // pruning unused secret versions once healthy
    ]);
    const context = stripTarRoot(gunzipSync(source));
    expect(w.swarm.writes()[0]!.names).toEqual(["Dockerfile", `${context.length} bytes`]);
    const image = w.swarm.lastCompose(STACK).services!.web!.image!;
    expect(image).toMatch(/^127\.0\.0\.1:5055\/shop@sha256:[0-9a-f]{64}$/);
    expect((await w.releases.history(REPOSITORY, "staging"))[0]!.images.web).toMatchObject({
      ref: image,
      digest: image,
    });
    expect(w.github.checkRunsNamed("Berth / staging")[0]!.states.map((s) => s.title)).toContain(
      `Building shop:${SHA.slice(0, 7)} from source`,
    );
  });

  it("without a registry the local tag is deployed and nothing is pushed", async () => {
    const w = fakeWorld();
    w.configs.set(buildConfig(build()));
    w.commits.tarballs.set(SHA, source);
    await deployEnvironment(environmentJob(), ctx("push"), w.deps);
    expect(w.swarm.writes().map((c) => c.op)).toEqual(["buildImage", "deployStack", "removeStackSecrets"]);
    expect(w.swarm.lastCompose(STACK).services!.web!.image).toBe(`shop:${SHA}`);
  });

  it("a build that fails deploys nothing and says why", async () => {
    const w = fakeWorld();
    w.configs.set(buildConfig(build()));
    const result = await deployEnvironment(environmentJob(), ctx("push"), w.deps);
    expect(result).toEqual({
      outcome: "failed",
      reason: `building shop:aaaaaaa from source failed: tarball of ${SHA}: Not Found (404)`,
    });
    expect(w.swarm.writes()).toEqual([]);
    expect(deploymentStates(w.github, "staging")[0]!.at(-1)).toBe("failure"); // "building" may coalesce into it

    w.commits.tarballs.set(SHA, source);
    w.swarm.failOn("buildImage", new Error("docker build failed (exit 1): COPY failed"));
    expect(await deployEnvironment(environmentJob(), ctx("push-2"), w.deps)).toMatchObject({
      reason: "building shop:aaaaaaa from source failed: docker build failed (exit 1): COPY failed",
    });
    expect(w.swarm.deploysOf(STACK)).toEqual([]);
  });
});
