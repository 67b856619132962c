// End to end, image source (b): Berth fetches the commit's tarball from the (stand-in) GitHub API, streams it over
// SSH into `docker build` on the manager, deploys <app>:<sha> to staging, and a tag promotes that very image to
// production. No registry is involved: the Dockerfile builds FROM a local image, and Berth never pulls.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { startGitHubStandIn, type GitHubStandIn } from "../../scripts/github-stand-in/index.js";
import { gitopsState } from "../../scripts/github-stand-in/routes-gitops.js";
import { startBerth, testAppKey, type BerthProcess } from "../../scripts/lib/berth-process.js";
import { sendWebhook } from "../../scripts/lib/webhook-sender.js";
import { waitForFinalDeploymentStatus, waitForQuiet } from "../../scripts/demo/recorded.js";
import { pushPayload } from "../fixtures/webhooks/push.js";
import { infraEnv } from "../helpers/infra.js";
import { deletePrefix } from "../../scripts/lib/redis-prefix.js";
import { LOCAL_SSH_YAML } from "../../scripts/lib/local-config.js";
import { removeAndWait } from "../../scripts/lib/stack-cleanup.js";

const REPO = "acme/opsbuild";
const STAGING_URL = "http://127.0.0.1:23009";
const PRODUCTION_URL = "http://127.0.0.1:23008";
const docker = (...args: string[]) => execFileSync("docker", args).toString().trim();
const body = async (url: string) => (await (await fetch(url, { signal: AbortSignal.timeout(3000) })).text()).trim();
const built: string[] = [];
/** Serves greeting.txt beside what berth-test-web serves. */
const GOOD_DOCKERFILE =
  'FROM berth-test-web:1\nCOPY greeting.txt /greeting.txt\nCMD ["/bin/sh", "-c", "mkdir -p /www && cp /greeting.txt /www/greeting.txt && exec /entry.sh"]\n';
const REGISTRY = "127.0.0.1:5055";
const pushedDigests: string[] = [];

let github: GitHubStandIn;
let berth: BerthProcess;
let dir: string;
let source: string;

const send = (event: string, payload: unknown) =>
  sendWebhook({ url: berth.webhookUrl, event, payload, secret: berth.webhookSecret });
const git = (...args: string[]) =>
  execFileSync("git", ["-C", source, ...args], {
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "Octo",
      GIT_AUTHOR_EMAIL: "o@example.com",
      GIT_COMMITTER_NAME: "Octo",
      GIT_COMMITTER_EMAIL: "o@example.com",
    },
  });

/** Commits the files and publishes the commit's tarball the way GitHub's codeload builds it (git archive, one prefix dir). */
function commit(files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(source, name), text);
  git("add", "-A");
  git("commit", "-q", "-m", "change");
  const sha = git("rev-parse", "HEAD").toString().trim();
  const tarball = git("archive", "--format=tar.gz", `--prefix=acme-opsbuild-${sha.slice(0, 7)}/`, sha);
  gitopsState(github.state).tarballs.set(`${REPO}@${sha}`, tarball);
  built.push(`opsbuild:${sha}`, `${REGISTRY}/opsbuild:${sha}`);
  return sha;
}

/** The deploy config; `extraBuild` adds keys to build (e.g. a registry). Berth re-reads it on every job. */
function config(extraBuild: string): string {
  return `repository: ${REPO}
app: opsbuild
template: web-service.yml
${LOCAL_SSH_YAML}
routing: { mode: host-port, domain: ops.localhost, previewPortBase: 23010 }
build: { enabled: true${extraBuild} }
services:
  web:
    image: opsbuild:built-by-berth
    public: true
    port: 8080
    healthPath: /healthz
`;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "berth-gitops-build-"));
  source = mkdtempSync(join(tmpdir(), "berth-gitops-src-"));
  execFileSync("git", ["init", "-q", "-b", "main", source]);
  writeFileSync(join(dir, "opsbuild.yml"), config(""));
  const privateKey = testAppKey();
  github = await startGitHubStandIn({ appId: 4242, privateKey });
  berth = await startBerth({
    githubHost: `127.0.0.1:${github.port}`,
    infraEnv: infraEnv(),
    privateKey,
    appId: 4242,
    extraEnv: { BERTH_CONFIG_DIR: dir },
  });
});

afterAll(async () => {
  if (process.env.BERTH_E2E_VERBOSE)
    console.log(`--- Berth output (tail) ---\n${berth?.output().split("\n").slice(-80).join("\n")}`);
  await berth?.stop();
  await github?.close();
  for (const stack of ["opsbuild-staging", "opsbuild"]) await removeAndWait(stack, 60_000);
  await deletePrefix(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", berth.queuePrefix);
  // What the registry test pushed: deleted by digest through the registry API (deletes are enabled in up.sh's config).
  for (const digest of pushedDigests)
    await fetch(`http://${REGISTRY}/v2/opsbuild/manifests/${digest}`, { method: "DELETE" }).catch(() => undefined);
  for (const tag of built) {
    try {
      execFileSync("docker", ["rmi", tag], { stdio: "ignore" });
    } catch {
      // not built (the failing commit) or still used by a stopping container
    }
  }
  rmSync(dir, { recursive: true, force: true });
  rmSync(source, { recursive: true, force: true });
});

describe("build from source", () => {
  const greeting = `built from source ${randomBytes(4).toString("hex")}`;
  let sha = "";

  it("push → tarball via the GitHub API → docker build on the manager over SSH → staging runs opsbuild:<sha>", async () => {
    sha = commit({
      Dockerfile: GOOD_DOCKERFILE,
      "greeting.txt": `${greeting}\n`,
    });
    const mark = github.requests.length;
    await send("push", pushPayload({ ref: "refs/heads/main", sha, repository: REPO }));
    const final = await waitForFinalDeploymentStatus(github, mark, 300_000);
    await waitForQuiet(github, mark);
    expect(final).toMatchObject({ state: "success", environment_url: STAGING_URL });
    const sent = github.requests.slice(mark).filter((r) => !r.path.endsWith("/access_tokens"));
    expect(sent.filter((r) => r.path.includes("/tarball/")).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      `GET /repos/${REPO}/tarball/${sha} 200`,
    ]);
    expect(
      docker("service", "inspect", "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}", "opsbuild-staging_web"),
    ).toBe(`opsbuild:${sha}`);
    expect(await body(`${STAGING_URL}/greeting.txt`)).toBe(greeting);
    expect(await body(STAGING_URL)).toBe(`berth-test-web sha=${sha}`);
  });

  it("a tag promotes the built image to production: same image ID, no rebuild", async () => {
    const mark = github.requests.length;
    await send("push", pushPayload({ ref: "refs/tags/v2.0.0", sha, repository: REPO }));
    const final = await waitForFinalDeploymentStatus(github, mark, 300_000);
    await waitForQuiet(github, mark);
    expect(final).toMatchObject({ state: "success", environment_url: PRODUCTION_URL });
    expect(github.requests.slice(mark).some((r) => r.path.includes("/tarball/"))).toBe(false);
    const id = docker("image", "inspect", "--format", "{{.Id}}", `opsbuild:${sha}`);
    expect(docker("service", "inspect", "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}", "opsbuild_web")).toBe(
      id,
    );
    expect(await body(`${PRODUCTION_URL}/greeting.txt`)).toBe(greeting);
  });

  it("a commit that does not build → failure with docker build's words, nothing deployed, staging keeps serving", async () => {
    const broken = commit({ Dockerfile: "FROM berth-test-web:1\nCOPY missing.txt /missing.txt\n" });
    const mark = github.requests.length;
    await send("push", pushPayload({ ref: "refs/heads/main", sha: broken, repository: REPO }));
    const final = await waitForFinalDeploymentStatus(github, mark, 120_000);
    await waitForQuiet(github, mark);
    expect(final.state).toBe("failure");
    const check = github.requests
      .slice(mark)
      .filter((r) => r.method === "PATCH" && r.body?.status === "completed")
      .at(-1)!.body;
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain(`building opsbuild:${broken.slice(0, 7)} from source failed`);
    expect(check.output.summary).toMatch(/missing\.txt/);
    expect(await body(STAGING_URL)).toBe(`berth-test-web sha=${sha}`);
  });

  it("with build.registry (multi-node Swarms): the built image is pushed to the registry on 127.0.0.1 and deployed by digest", async () => {
    writeFileSync(join(dir, "opsbuild.yml"), config(`, registry: "${REGISTRY}"`));
    const next = commit({ Dockerfile: GOOD_DOCKERFILE, "greeting.txt": `${greeting} via registry\n` });
    const mark = github.requests.length;
    await send("push", pushPayload({ ref: "refs/heads/main", sha: next, repository: REPO }));
    const final = await waitForFinalDeploymentStatus(github, mark, 300_000);
    await waitForQuiet(github, mark);
    expect(final).toMatchObject({ state: "success", environment_url: STAGING_URL });
    const tags = (await (await fetch(`http://${REGISTRY}/v2/opsbuild/tags/list`)).json()) as { tags: string[] };
    expect(tags.tags).toContain(next);
    const digest = (
      await fetch(`http://${REGISTRY}/v2/opsbuild/manifests/${next}`, {
        method: "HEAD",
        headers: { accept: "application/vnd.docker.distribution.manifest.v2+json" },
      })
    ).headers.get("docker-content-digest")!;
    pushedDigests.push(digest);
    expect(
      docker("service", "inspect", "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}", "opsbuild-staging_web"),
    ).toBe(`${REGISTRY}/opsbuild@${digest}`);
    expect(await body(`${STAGING_URL}/greeting.txt`)).toBe(`${greeting} via registry`);
  });
});
