// End to end, branch GitOps through the real bot process, Redis, SSH and Swarm, reporting to the GitHub stand-in:
// push to main waits for CI → staging; CI failure → nothing deployed; tag → production with the very image staging
// ran; a rolling update under load drops no request; an image that breaks only in production is rolled back by
// Swarm while the old version keeps serving; `berth rollback` restores the previous release.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { startGitHubStandIn, type GitHubStandIn } from "../../scripts/github-stand-in/index.js";
import { checkSuite, gitopsState } from "../../scripts/github-stand-in/routes-gitops.js";
import { startBerth, testAppKey, type BerthProcess } from "../../scripts/lib/berth-process.js";
import { sendWebhook } from "../../scripts/lib/webhook-sender.js";
import { waitForFinalDeploymentStatus, waitForQuiet } from "../../scripts/demo/recorded.js";
import { checkSuiteCompletedPayload, pushPayload, releasePublishedPayload } from "../fixtures/webhooks/push.js";
import { infraEnv } from "../helpers/infra.js";
import { deletePrefix } from "../../scripts/lib/redis-prefix.js";
import { cli } from "../../app/main/cli.js";
import { startPoller } from "../helpers/poller.js";
import { createRedis } from "../../app/adapters/redis/connection.js";
import { createDeployQueue } from "../../app/queue/queue.js";
import { LOCAL_SSH_YAML } from "../../scripts/lib/local-config.js";
import { removeAndWait } from "../../scripts/lib/stack-cleanup.js";

const REPO = "acme/opsshop";
const STAGING = "opsshop-staging";
const PRODUCTION = "opsshop";
const STAGING_URL = "http://127.0.0.1:22999";
const PRODUCTION_URL = "http://127.0.0.1:22998";
const MERGED_PR = 701;
const ACTIONS = { id: 15368, slug: "github-actions", name: "GitHub Actions" };
const sha = () => randomBytes(20).toString("hex");
const docker = (...args: string[]) => execFileSync("docker", args).toString().trim();
const stackLabel = (stack: string) => `label=com.docker.stack.namespace=${stack}`;
const tags: string[] = [];

let github: GitHubStandIn;
let berth: BerthProcess;
let dir: string;

const send = (event: string, payload: unknown) =>
  sendWebhook({ url: berth.webhookUrl, event, payload, secret: berth.webhookSecret });
const since = (mark: number) => github.requests.slice(mark).filter((r) => !r.path.endsWith("/access_tokens"));
const ci = (commit: string, status: string, conclusion: string | null) =>
  gitopsState(github.state).checkSuites.set(`${REPO}@${commit}`, [
    checkSuite(Number.parseInt(commit.slice(0, 6), 16), ACTIONS, status, conclusion, commit),
  ]);
const body = async (url: string) => (await (await fetch(url, { signal: AbortSignal.timeout(3000) })).text()).trim();
/** The CI-built image of a commit (image source a): opsshop-web:<short sha>. */
function ciImage(commit: string, from = "berth-test-web:1"): void {
  const tag = `opsshop-web:${commit.slice(0, 7)}`;
  docker("tag", from, tag);
  tags.push(tag);
}
function containerImageIds(service: string): string[] {
  const ids = docker("ps", "-q", "--filter", `label=com.docker.swarm.service.name=${service}`)
    .split("\n")
    .filter(Boolean);
  return [...new Set(ids.map((id) => docker("inspect", "--format", "{{.Image}}", id)))];
}
const checkUpdates = (mark: number, name: string) => {
  const ids = new Set([...github.state.checkRuns.values()].filter((r) => r.name === name).map((r) => r.id));
  return since(mark).filter((r) => r.method === "PATCH" && ids.has(Number(r.path.split("/").pop())));
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "berth-gitops-"));
  writeFileSync(join(dir, "opsshop.yml"), config(false));
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

function config(requireApproval: boolean): string {
  return `repository: ${REPO}
app: opsshop
template: web-ingress.yml
${LOCAL_SSH_YAML}
routing: { mode: host-port, domain: ops.localhost, previewPortBase: 23000 }
staging: { branch: main, ciGate: true, healthTimeoutSeconds: 240 }
production: { tagPattern: "^v[0-9]+\\\\.[0-9]+\\\\.[0-9]+$", healthTimeoutSeconds: 240, maxFailedTasks: 3, requireApproval: ${requireApproval} }
history: { keep: 5 }
services:
  ingress:
    image: berth-test-ingress:1
    public: true
    pinned: true
    port: 8080
    healthPath: /healthz
  web:
    image: opsshop-web:{{short_sha}}
    replicas: 2
    port: 8080
    healthPath: /healthz
    env: { APP_ENV: "{{environment}}" }
`;
}

afterAll(async () => {
  if (process.env.BERTH_E2E_VERBOSE)
    console.log(`--- Berth output (tail) ---\n${berth?.output().split("\n").slice(-120).join("\n")}`);
  await berth?.stop();
  await github?.close();
  for (const stack of [STAGING, PRODUCTION]) await removeAndWait(stack, 60_000);
  await deletePrefix(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", berth.queuePrefix);
  // Tags only: the containers of removed stacks may still hold the image for a moment, so no --force, no error.
  for (const tag of tags) {
    try {
      execFileSync("docker", ["rmi", tag], { stdio: "ignore" });
    } catch {
      // still in use by a stopping container; the tag alone costs nothing
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

describe("branch GitOps through the real bot process", () => {
  const A = sha();
  let stagingImageIds: string[] = [];

  it("push to main with CI pending → nothing deployed, 'waiting for CI' in a pending check run and deployment", async () => {
    ciImage(A);
    ci(A, "in_progress", null);
    const mark = github.requests.length;
    const res = await send("push", pushPayload({ ref: "refs/heads/main", sha: A, repository: REPO }));
    expect(res.status).toBe(200);
    const pending = await waitForFinalDeploymentStatus(github, mark, 60_000, ["pending"]);
    await waitForQuiet(github, mark);
    expect(pending.description).toBe("waiting for CI: GitHub Actions (in_progress)");
    const sent = since(mark);
    expect(sent.find((r) => r.method === "GET" && r.path === `/repos/${REPO}/commits/${A}/check-suites`)).toBeDefined();
    expect(
      sent.filter((r) => r.method === "POST" && r.path === `/repos/${REPO}/check-runs`).map((r) => r.body),
    ).toEqual([expect.objectContaining({ name: "Berth / staging", head_sha: A, status: "queued" })]);
    expect(
      sent.filter((r) => r.method === "POST" && r.path === `/repos/${REPO}/deployments`).map((r) => r.body),
    ).toEqual([
      expect.objectContaining({
        ref: A,
        environment: "staging",
        transient_environment: false,
        production_environment: false,
        required_contexts: [],
      }),
    ]);
    expect(checkUpdates(mark, "Berth / staging").at(-1)!.body).toMatchObject({
      status: "in_progress",
      output: { title: "Waiting for CI: GitHub Actions (in_progress)" },
    });
    expect(docker("service", "ls", "-q", "--filter", stackLabel(STAGING))).toBe("");
  });

  it("CI completes successfully → staging healthy and reported on the same check run; the merged PR's comment gets the staging line", async () => {
    // The PR this commit was merged from has Berth's preview comment.
    const id = github.state.nextId++;
    github.state.comments.set(id, {
      id,
      body: `<!-- berth:preview:pr-${MERGED_PR} -->\n### Berth preview \`opsshop-pr-${MERGED_PR}\``,
      user: { login: "berth[bot]", type: "Bot" },
      performed_via_github_app: { slug: "berth" },
      repository: REPO,
      issue: MERGED_PR,
    });
    gitopsState(github.state).pulls.set(`${REPO}@${A}`, [{ number: MERGED_PR, merged_at: new Date().toISOString() }]);
    ci(A, "completed", "success");
    const mark = github.requests.length;
    await send("check_suite", checkSuiteCompletedPayload({ sha: A, conclusion: "success", repository: REPO }));
    const final = await waitForFinalDeploymentStatus(github, mark, 300_000);
    await waitForQuiet(github, mark);
    expect(final).toMatchObject({
      state: "success",
      environment_url: STAGING_URL,
      description: `Staging live at ${A.slice(0, 7)}`,
    });
    const sent = since(mark);
    expect(
      sent.some((r) => r.method === "POST" && (r.path.endsWith("/check-runs") || r.path.endsWith("/deployments"))),
    ).toBe(false);
    expect(checkUpdates(mark, "Berth / staging").at(-1)!.body).toMatchObject({
      status: "completed",
      conclusion: "success",
      output: { title: "Staging is live" },
    });
    expect(await body(STAGING_URL)).toBe(`berth-test-web sha=${A}`);
    expect(
      docker("service", "ls", "--filter", stackLabel(STAGING), "--format", "{{.Name}} {{.Replicas}}")
        .split("\n")
        .sort(),
    ).toEqual([`${STAGING}_ingress 1/1`, `${STAGING}_web 2/2`]);
    expect(github.state.comments.get(id).body).toContain(`deployed to staging at ${STAGING_URL}`);
    stagingImageIds = containerImageIds(`${STAGING}_web`);
    expect(stagingImageIds).toHaveLength(1);
  });

  it("tag v1.0.0 → production healthy, running the same image ID as staging for that SHA", async () => {
    const mark = github.requests.length;
    await send("push", pushPayload({ ref: "refs/tags/v1.0.0", sha: A, repository: REPO }));
    const final = await waitForFinalDeploymentStatus(github, mark, 300_000);
    await waitForQuiet(github, mark);
    expect(final).toMatchObject({
      state: "success",
      environment_url: PRODUCTION_URL,
      description: `Production live at ${A.slice(0, 7)}`,
    });
    const sent = since(mark);
    expect(sent.filter((r) => r.method === "POST" && r.path.endsWith("/check-runs")).map((r) => r.body.name)).toEqual([
      "Berth / production",
    ]);
    expect(sent.filter((r) => r.method === "POST" && r.path.endsWith("/deployments")).map((r) => r.body)).toEqual([
      expect.objectContaining({
        ref: A,
        environment: "production",
        production_environment: true,
        transient_environment: false,
      }),
    ]);
    expect(await body(PRODUCTION_URL)).toBe(`berth-test-web sha=${A}`);
    const productionImageIds = containerImageIds(`${PRODUCTION}_web`);
    console.log(`[measure] staging web image ${stagingImageIds[0]}, production web image ${productionImageIds[0]}`);
    expect(productionImageIds).toEqual(stagingImageIds);
    // Pinned by ID in the service spec, not by a tag that could be moved.
    expect(
      docker("service", "inspect", "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}", `${PRODUCTION}_web`),
    ).toBe(stagingImageIds[0]);
  });

  it("CI failure → nothing deployed, the check says which suite failed; staging keeps serving", async () => {
    const F = sha();
    ciImage(F);
    ci(F, "completed", "failure");
    const mark = github.requests.length;
    await send("push", pushPayload({ ref: "refs/heads/main", sha: F, repository: REPO }));
    const final = await waitForFinalDeploymentStatus(github, mark, 60_000);
    await waitForQuiet(github, mark);
    expect(final.state).toBe("failure");
    expect(final.description).toContain("CI failed: GitHub Actions concluded failure");
    const check = checkUpdates(mark, "Berth / staging").at(-1)!.body;
    expect(check).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(check.output.summary).toContain("GitHub Actions concluded failure");
    expect(check.output.summary).toContain("nothing was deployed");
    expect(await body(STAGING_URL)).toBe(`berth-test-web sha=${A}`);
  });

  it("a newer push supersedes a deploy still waiting for CI: its check run is cancelled, its deployment inactive", async () => {
    const [P1, P2] = [sha(), sha()];
    ci(P1, "in_progress", null);
    ci(P2, "queued", null);
    let mark = github.requests.length;
    await send("push", pushPayload({ ref: "refs/heads/main", sha: P1, repository: REPO }));
    await waitForFinalDeploymentStatus(github, mark, 60_000, ["pending"]);
    await waitForQuiet(github, mark);
    const waiting = [...github.state.checkRuns.values()].find((r) => r.head_sha === P1)!;
    mark = github.requests.length;
    await send("push", pushPayload({ ref: "refs/heads/main", sha: P2, repository: REPO }));
    expect(await waitForFinalDeploymentStatus(github, mark, 60_000, ["inactive"])).toMatchObject({
      description: `Superseded: ${P2.slice(0, 7)} came after it; nothing was deployed for ${P1.slice(0, 7)}`,
    });
    await waitForFinalDeploymentStatus(github, mark, 60_000, ["pending"]);
    await waitForQuiet(github, mark);
    expect(github.state.checkRuns.get(waiting.id)).toMatchObject({ status: "completed", conclusion: "cancelled" });
    expect(await body(STAGING_URL)).toBe(`berth-test-web sha=${A}`);
  });

  const B = sha();
  it("rolling update under load: polled every 50 ms → 0 failed requests; afterwards only the new SHA answers", async () => {
    ciImage(B);
    ci(B, "completed", "success");
    const poller = startPoller(STAGING_URL, 50);
    const mark = github.requests.length;
    await send("push", pushPayload({ ref: "refs/heads/main", sha: B, repository: REPO }));
    const final = await waitForFinalDeploymentStatus(github, mark, 300_000);
    const results = await poller.stop();
    await waitForQuiet(github, mark);
    expect(final.state).toBe("success");
    const failed = results.filter((r) => !r.ok);
    const bodies = new Set(results.filter((r) => r.ok).map((r) => r.body));
    console.log(
      `[measure] rolling update of staging: ${results.length} requests at 50 ms, ${failed.length} failed, answers: ${[...bodies].map((b) => b.slice(-7)).join(", ")}`,
    );
    expect(failed).toEqual([]);
    expect([...bodies].every((b) => b === `berth-test-web sha=${A}` || b === `berth-test-web sha=${B}`)).toBe(true);
    const after = await Promise.all(Array.from({ length: 20 }, () => body(STAGING_URL)));
    expect(new Set(after)).toEqual(new Set([`berth-test-web sha=${B}`]));
  });

  it("an image that breaks only in production → Swarm rolls back, failure reported with task errors and logs, the old SHA served throughout", async () => {
    const X = sha();
    const build = mkdtempSync(join(tmpdir(), "berth-gitops-img-"));
    writeFileSync(
      join(build, "Dockerfile"),
      'FROM berth-test-web:1\nCOPY prodcheck.sh /prodcheck.sh\nCMD ["/prodcheck.sh"]\n',
    );
    writeFileSync(
      join(build, "prodcheck.sh"),
      '#!/bin/sh\nif [ "$APP_ENV" = production ]; then echo "opsshop: DATABASE_URL is not set in production; refusing to start" >&2; exit 1; fi\nexec /entry.sh\n',
    );
    chmodSync(join(build, "prodcheck.sh"), 0o755);
    execFileSync("docker", ["build", "-q", "-t", `opsshop-web:${X.slice(0, 7)}`, build], {
      env: { ...process.env, DOCKER_BUILDKIT: "0" },
      stdio: "ignore",
    });
    tags.push(`opsshop-web:${X.slice(0, 7)}`);
    rmSync(build, { recursive: true, force: true });
    ci(X, "completed", "success");
    let mark = github.requests.length;
    await send("push", pushPayload({ ref: "refs/heads/main", sha: X, repository: REPO }));
    expect(await waitForFinalDeploymentStatus(github, mark, 300_000)).toMatchObject({ state: "success" });
    await waitForQuiet(github, mark);
    expect(await body(STAGING_URL)).toBe(`berth-test-web sha=${X}`);

    gitopsState(github.state).tags.set(`${REPO}@v1.0.1`, X);
    const poller = startPoller(PRODUCTION_URL, 50);
    mark = github.requests.length;
    await send("release", releasePublishedPayload({ tag: "v1.0.1", repository: REPO }));
    const final = await waitForFinalDeploymentStatus(github, mark, 300_000);
    await waitForQuiet(github, mark);
    // Keep polling until Swarm's rollback has completed, so "throughout" covers all of it.
    for (
      let i = 0;
      i < 120 &&
      !/rollback_completed/.test(
        docker("service", "inspect", "--format", "{{.UpdateStatus.State}}", `${PRODUCTION}_web`),
      );
      i++
    )
      await new Promise((r) => setTimeout(r, 500));
    const results = await poller.stop();
    expect(final.state).toBe("failure");
    expect(since(mark).some((r) => r.method === "GET" && r.path === `/repos/${REPO}/commits/v1.0.1`)).toBe(true);
    const check = checkUpdates(mark, "Berth / production").at(-1)!.body;
    expect(check).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(check.output.summary).toMatch(/rolled .*opsshop_web back/);
    expect(check.output.summary).toMatch(/non-zero exit \(1\)/);
    expect(check.output.summary).toContain("refusing to start");
    expect(check.output.summary).toContain(`**Serving now:** ${A.slice(0, 7)}`);
    const failed = results.filter((r) => !r.ok);
    const bodies = new Set(results.filter((r) => r.ok).map((r) => r.body));
    console.log(
      `[measure] broken production update: ${results.length} requests at 50 ms, ${failed.length} failed, answers: ${[...bodies].map((b) => b.slice(-7)).join(", ")}`,
    );
    expect(failed).toEqual([]);
    expect(bodies).toEqual(new Set([`berth-test-web sha=${A}`]));
  });

  it("berth history lists the releases; berth rollback restores the previous one", async () => {
    const lines: string[] = [];
    const errors: string[] = [];
    const env = { REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379", BERTH_QUEUE_PREFIX: berth.queuePrefix };
    expect(
      await cli(
        ["history", REPO, "staging"],
        env,
        (l) => lines.push(l),
        (l) => errors.push(l),
      ),
    ).toBe(0);
    expect(lines.map((l) => l.split(/\s+/)[2])).toEqual([
      expect.stringMatching(/^[0-9a-f]{12}$/),
      B.slice(0, 12),
      A.slice(0, 12),
    ]);
    const current = lines[0]!.split(/\s+/)[2]!;

    const mark = github.requests.length;
    lines.length = 0;
    expect(
      await cli(
        ["rollback", REPO, "staging", "--wait"],
        env,
        (l) => lines.push(l),
        (l) => errors.push(l),
      ),
    ).toBe(0);
    expect(errors).toEqual([]);
    expect(lines[0]).toContain(`queued rollback of ${REPO} staging to ${B.slice(0, 12)}`);
    expect(lines.at(-1)).toBe(`deployed ${STAGING_URL}`);
    expect(await body(STAGING_URL)).toBe(`berth-test-web sha=${B}`);
    await waitForQuiet(github, mark);
    expect(
      since(mark)
        .filter((r) => r.method === "POST" && r.path.endsWith("/deployments"))
        .map((r) => r.body),
    ).toEqual([expect.objectContaining({ ref: B, environment: "staging" })]);

    lines.length = 0;
    expect(
      await cli(
        ["history", REPO, "staging"],
        env,
        (l) => lines.push(l),
        (l) => errors.push(l),
      ),
    ).toBe(0);
    expect(lines[0]).toMatch(new RegExp(`^\\* \\S+\\s+${B.slice(0, 12)}\\s+rollback`));
    expect(lines.map((l) => l.split(/\s+/)[2])).toEqual([B.slice(0, 12), current, B.slice(0, 12), A.slice(0, 12)]);
    expect(
      await cli(
        ["rollback", REPO, "staging", "0000000"],
        env,
        () => undefined,
        (l) => errors.push(l),
      ),
    ).toBe(1);
    expect(errors.at(-1)).toBe(
      // The CLI names the command that failed before its message.
      `berth rollback: cannot roll back ${REPO} staging: no release of 0000000 among the last 4; see berth history`,
    );
  });

  it("production with requireApproval waits for /deploy production; /rollback production restores the release before", async () => {
    writeFileSync(join(dir, "opsshop.yml"), config(true));
    gitopsState(github.state).tags.set(`${REPO}@v1.1.0`, B);
    let mark = github.requests.length;
    await send("release", releasePublishedPayload({ tag: "v1.1.0", repository: REPO }));
    const pending = await waitForFinalDeploymentStatus(github, mark, 60_000, ["pending"]);
    await waitForQuiet(github, mark);
    expect(pending.description).toBe("waiting for an admin's /deploy production");
    expect(await body(PRODUCTION_URL)).toBe(`berth-test-web sha=${A}`);
    const checkRun = [...github.state.checkRuns.values()].filter((r) => r.name === "Berth / production").at(-1)!;
    expect(checkRun).toMatchObject({
      head_sha: B,
      status: "in_progress",
      output: { title: "Waiting for an admin's /deploy production" },
    });

    // What the commands job enqueues for an admin's `/deploy production` and `/rollback production` (job-data.ts).
    const redis = createRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
    const queue = createDeployQueue({ connection: redis, prefix: berth.queuePrefix });
    const command = (target: { kind: "promote-staging" } | { kind: "previous-release" }) => ({
      kind: "deploy-environment" as const,
      environment: "production" as const,
      repository: REPO,
      installationId: 4242,
      target,
      sender: "admin",
      deliveryId: `ops-${target.kind}-${randomBytes(4).toString("hex")}`,
      receivedAt: Date.now(),
      pr: MERGED_PR,
    });
    try {
      mark = github.requests.length;
      await queue.enqueue(command({ kind: "promote-staging" }));
      expect(await waitForFinalDeploymentStatus(github, mark, 300_000)).toMatchObject({
        state: "success",
        environment_url: PRODUCTION_URL,
      });
      await waitForQuiet(github, mark);
      expect(await body(PRODUCTION_URL)).toBe(`berth-test-web sha=${B}`);
      // The waiting check run is the one that completes; no second deployment is created.
      expect(github.state.checkRuns.get(checkRun.id)).toMatchObject({ status: "completed", conclusion: "success" });
      expect(since(mark).some((r) => r.method === "POST" && r.path.endsWith("/deployments"))).toBe(false);

      mark = github.requests.length;
      await queue.enqueue(command({ kind: "previous-release" }));
      expect(await waitForFinalDeploymentStatus(github, mark, 300_000)).toMatchObject({ state: "success" });
      await waitForQuiet(github, mark);
      expect(await body(PRODUCTION_URL)).toBe(`berth-test-web sha=${A}`);
    } finally {
      await queue.close();
      redis.disconnect();
    }
  });
});
