import { describe, expect, it } from "vitest";
import { environmentForRef, tagMatches } from "../../app/core/branch-deploy.js";
import { describeVerdict, evaluateCiGate, type CheckSuiteFact } from "../../app/core/ci-gate.js";
import { pinImages } from "../../app/core/render/pin-images.js";
import { rollbackTarget, type Release } from "../../app/core/release.js";
import { dockerArgs } from "../../app/core/docker-args.js";
import { supersedes } from "../../app/jobs/job-data.js";

const settings = {
  staging: { enabled: true, branch: "main", ciGate: false, healthTimeoutSeconds: 300, maxFailedTasks: 3 },
  production: {
    enabled: true,
    tagPattern: "^v[0-9]+\\.[0-9]+\\.[0-9]+$",
    ciGate: true,
    requireApproval: false,
    healthTimeoutSeconds: 300,
    maxFailedTasks: 3,
  },
};

describe("which environment a ref deploys", () => {
  it("maps the staging branch to staging and matching tags to production, nothing else", () => {
    expect(environmentForRef(settings, "refs/heads/main")).toBe("staging");
    expect(environmentForRef(settings, "refs/heads/feature")).toBeUndefined();
    expect(environmentForRef(settings, "refs/tags/v1.0.0")).toBe("production");
    expect(environmentForRef(settings, "refs/tags/v1.0.0-rc1")).toBeUndefined();
    expect(environmentForRef(settings, "refs/pull/1/head")).toBeUndefined();
    expect(
      environmentForRef({ ...settings, staging: { ...settings.staging, enabled: false } }, "refs/heads/main"),
    ).toBeUndefined();
  });
  it("matches the whole tag even when the pattern is not anchored", () => {
    expect(tagMatches("v[0-9]+", "v12")).toBe(true);
    expect(tagMatches("v[0-9]+", "xv12")).toBe(false);
    expect(tagMatches("v[0-9]+", "v12-broken")).toBe(false);
  });
});

describe("CI gate", () => {
  const suite = (id: number, appId: number, status: string, conclusion: string | null, runs = 1): CheckSuiteFact => ({
    id,
    app: { id: appId, slug: `app${appId}`, name: `App ${appId}` },
    status,
    conclusion,
    latestCheckRunsCount: runs,
  });
  it("passes when every other app's suite succeeded, ignoring Berth's own and never-started suites", () => {
    expect(
      evaluateCiGate(
        [suite(1, 7, "completed", "success"), suite(2, 42, "in_progress", null), suite(3, 8, "queued", null, 0)],
        42,
      ),
    ).toEqual({ state: "passed", suites: 1 });
  });
  it("waits while a suite runs and names it", () => {
    const v = evaluateCiGate([suite(1, 7, "completed", "success"), suite(2, 8, "in_progress", null)], 42);
    expect(describeVerdict(v)).toBe("waiting for CI: App 8 (in_progress)");
  });
  it("fails on any failed suite, even while others run, and says which", () => {
    const v = evaluateCiGate([suite(1, 7, "completed", "timed_out"), suite(2, 8, "in_progress", null)], 42);
    expect(v.state).toBe("failed");
    expect(describeVerdict(v)).toBe("CI failed: App 7 concluded timed_out");
  });
  it("no CI at all passes rather than waiting forever", () => {
    expect(describeVerdict(evaluateCiGate([], 42))).toBe("no CI configured for this commit");
  });
});

describe("promotion pins images", () => {
  const yaml = "services:\n  web:\n    image: shop-web:abc\n  ingress:\n    image: ingress:1\n";
  it("replaces each service's image by its digest, else its image ID", () => {
    const out = pinImages(yaml, {
      web: { ref: "shop-web:abc", id: "sha256:" + "1".repeat(64) },
      ingress: {
        ref: "ingress:1",
        id: "sha256:" + "2".repeat(64),
        digest: "127.0.0.1:5055/ingress@sha256:" + "3".repeat(64),
      },
    });
    expect(out.yaml).toContain(`image: sha256:${"1".repeat(64)}`);
    expect(out.yaml).toContain(`image: 127.0.0.1:5055/ingress@sha256:${"3".repeat(64)}`);
    expect(out.hash).toMatch(/^[0-9a-f]{64}$/);
  });
  it("refuses a service staging never ran", () => {
    expect(() => pinImages(yaml, { web: { ref: "shop-web:abc", id: "sha256:1" } })).toThrow(
      /no recorded image for service ingress/,
    );
  });
});

describe("rollback target", () => {
  const r = (sha: string, id: string): Release => ({
    id,
    environment: "staging",
    stack: "s",
    sha,
    ref: "",
    trigger: "push",
    sender: "x",
    installationId: 1,
    at: 0,
    url: "",
    probeUrl: "",
    hash: "",
    yaml: "",
    images: {},
  });
  const history = [r("c".repeat(40), "3"), r("c".repeat(40), "2"), r("b".repeat(40), "1")];
  it("defaults to the newest release of a different commit", () => {
    expect(rollbackTarget(history, {})).toMatchObject({ id: "1" });
  });
  it("finds a SHA by prefix, or says it is not in the history", () => {
    expect(rollbackTarget(history, { sha: "bbbbbbb" })).toMatchObject({ id: "1" });
    expect(rollbackTarget(history, { sha: "ddddddd" })).toEqual({
      error: "no release of ddddddd among the last 3; see berth history",
    });
  });
  it("has nothing to restore with an empty or single-commit history", () => {
    expect(rollbackTarget([], {})).toEqual({ error: expect.stringContaining("no releases recorded") });
    expect(rollbackTarget(history.slice(0, 2), {})).toEqual({ error: expect.stringContaining("nothing older") });
  });
});

describe("job semantics and arguments", () => {
  it("a CI event neither supersedes nor is superseded; a push does", () => {
    const base = {
      kind: "deploy-environment" as const,
      environment: "staging" as const,
      repository: "a/b",
      installationId: 1,
      deliveryId: "d",
      sender: "s",
      receivedAt: 1,
    };
    const sha = "a".repeat(40);
    expect(supersedes({ ...base, target: { kind: "ci-completed", sha } })).toBe(false);
    expect(supersedes({ ...base, target: { kind: "commit", sha, ref: "refs/heads/main", trigger: "push" } })).toBe(
      true,
    );
  });
  it("image inspect takes only image references", () => {
    expect(dockerArgs.imageInspect(["berth-test-web:1", "127.0.0.1:5055/shop@sha256:" + "a".repeat(64)])).toEqual([
      "docker",
      "image",
      "inspect",
      "berth-test-web:1",
      "127.0.0.1:5055/shop@sha256:" + "a".repeat(64),
    ]);
    expect(() => dockerArgs.imageInspect(["x; rm -rf /"])).toThrow(/not an image reference/);
  });
});

describe("source tarball root", () => {
  it("strips GitHub's top-level directory from every entry (ustar, long pax paths) and drops the pax global header", async () => {
    const { execFileSync } = await import("node:child_process");
    const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { stripTarRoot } = await import("../../app/core/tar-root.js");
    const dir = mkdtempSync(join(tmpdir(), "berth-tar-"));
    try {
      const long = "x".repeat(120);
      mkdirSync(join(dir, "src", "deep", long), { recursive: true });
      writeFileSync(join(dir, "src", "Dockerfile"), "FROM scratch\n");
      writeFileSync(join(dir, "src", "deep", long, "f.txt"), "long\n");
      const tar = execFileSync(
        "tar",
        ["-C", dir, "--format=pax", "--pax-option=globexthdr.name=pax_global_header,comment=abc", "-cf", "-", "src"],
        { maxBuffer: 1 << 24 },
      );
      writeFileSync(join(dir, "out.tar"), stripTarRoot(tar));
      const listed = execFileSync("tar", ["-tf", join(dir, "out.tar")])
        .toString()
        .trim()
        .split("\n")
        .sort();
      expect(listed).toEqual(["Dockerfile", "deep/", `deep/${long}/`, `deep/${long}/f.txt`]);
      expect(execFileSync("tar", ["-xOf", join(dir, "out.tar"), `deep/${long}/f.txt`]).toString()).toBe("long\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("branch deploy reports", () => {
  it("waiting is an in-progress check and a pending deployment; superseded is cancelled and inactive; success names the environment", async () => {
    const { checkRunState, deploymentStatus } = await import("../../app/core/report/index.js");
    const view = {
      repository: "a/b",
      app: "shop",
      environment: "production",
      stack: "shop",
      sha: "a".repeat(40),
      services: [],
      startedAt: 0,
    };
    expect(checkRunState({ ...view, phase: "waiting", reason: "waiting for CI: X (queued)" })).toMatchObject({
      status: "in_progress",
      title: "Waiting for CI: X (queued)",
    });
    expect(deploymentStatus({ ...view, phase: "waiting", reason: "waiting for CI: X (queued)" })).toEqual({
      state: "pending",
      description: "waiting for CI: X (queued)",
    });
    expect(checkRunState({ ...view, phase: "superseded", reason: "bbbbbbb came after it" })).toMatchObject({
      status: "completed",
      conclusion: "cancelled",
    });
    expect(deploymentStatus({ ...view, phase: "superseded", reason: "bbbbbbb came after it" }).state).toBe("inactive");
    expect(checkRunState({ ...view, phase: "success", url: "https://shop.example.com" }).title).toBe(
      "Production is live",
    );
    expect(deploymentStatus({ ...view, phase: "success", url: "https://shop.example.com" })).toMatchObject({
      state: "success",
      description: "Production live at aaaaaaa",
      environmentUrl: "https://shop.example.com",
    });
  });
});
