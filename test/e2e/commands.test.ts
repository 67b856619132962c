// Slash commands end to end: the real Berth process receives signed issue_comment webhooks, looks up the PR and the
// commenter's permission on the GitHub stand-in, and acts on the real Swarm over SSH behind the preview's lock.
// Every refusal must leave the Swarm and GitHub untouched except for 😕 and the reply.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { startGitHubStandIn, type GitHubStandIn } from "../../scripts/github-stand-in/index.js";
import { commandState, setPullRequest } from "../../scripts/github-stand-in/routes-commands.js";
import { startBerth, testAppKey, type BerthProcess } from "../../scripts/lib/berth-process.js";
import { sendWebhook } from "../../scripts/lib/webhook-sender.js";
import { waitFor } from "../../scripts/lib/wait-for.js";
import { waitForFinalDeploymentStatus, waitForQuiet } from "../../scripts/demo/recorded.js";
import { loadPayload } from "../fixtures/webhooks/index.js";
import { issueCommentPayload } from "../fixtures/webhooks/issue_comment.js";
import { infraEnv } from "../helpers/infra.js";
import { testRedis } from "../helpers/redis.js";
import { deletePrefix } from "../../scripts/lib/redis-prefix.js";
import { commandReplyMarker } from "../../app/core/commands/replies.js";
import { Queue } from "bullmq";
import { QUEUE_NAME, jobIdFor } from "../../app/queue/keys.js";
import { createEnvironmentLock } from "../../app/queue/environment-lock.js";

const REPO = "acme/cmdshop";
const PR = 501;
const STACK = `cmdshop-pr-${PR}`;
const URL_ = `http://127.0.0.1:${21000 + PR}`;
const sha = () => randomBytes(20).toString("hex");
const docker = (...args: string[]) => execFileSync("docker", args).toString().trim();
const stackLabel = `label=com.docker.stack.namespace=${STACK}`;
const webReplicas = () =>
  docker("service", "inspect", `${STACK}_web`, "--format", "{{.Spec.Mode.Replicated.Replicas}}");
const webTasksRunning = () =>
  docker("service", "ps", `${STACK}_web`, "--filter", "desired-state=running", "--format", "{{.CurrentState}}")
    .split("\n")
    .filter((l) => l.startsWith("Running")).length;

let github: GitHubStandIn;
let berth: BerthProcess;
let configDir: string;
const firstHead = sha();
let head = firstHead;

const send = (event: string, payload: unknown) =>
  sendWebhook({ url: berth.webhookUrl, event, payload, secret: berth.webhookSecret });
const since = (mark: number) => github.requests.slice(mark).filter((r) => !r.path.endsWith("/access_tokens"));
const reactionsOn = (commentId: number) =>
  commandState(github.state)
    .reactions.filter((r) => r.commentId === commentId)
    .map((r) => r.content);
const prComments = () => [...github.state.comments.values()].filter((c) => c.repository === REPO && c.issue === PR);
const sticky = () => prComments().find((c) => c.body.includes(`<!-- berth:preview:pr-${PR} -->`));

/** Posts a comment as `login` and waits for Berth's reply to it; returns the reply and what Berth sent meanwhile. */
async function command(body: string, login: string, timeoutMs = 180_000) {
  const mark = github.requests.length;
  const payload = issueCommentPayload({ repository: REPO, number: PR, body, user: { login } });
  const started = Date.now();
  const res = await send("issue_comment", payload);
  expect(res.status).toBe(200);
  const marker = commandReplyMarker(payload.comment.id);
  const reply = await waitFor(
    `Berth's reply to "${body}"`,
    () => prComments().find((c) => c.body.includes(marker)),
    timeoutMs,
    100,
  );
  const replyMs = Date.now() - started;
  await waitForQuiet(github, mark);
  return {
    reply: reply.body as string,
    replyMs,
    commentId: payload.comment.id,
    sent: since(mark),
    deliveryId: res.deliveryId,
  };
}

const serves = async () => (await (await fetch(URL_)).text()).trim();
const serving = async (url: string) => (await (await fetch(url)).text()).trim();
const STAGING_URL = `http://127.0.0.1:${21000 - 1}`;
const PRODUCTION_URL = `http://127.0.0.1:${21000 - 2}`;
/** The newest deployment of `environment` once its latest status is final. */
const environmentStatus = (environment: string) =>
  waitFor(
    `a final ${environment} deployment status`,
    () => {
      const d = [...github.state.deployments.values()]
        .filter((x) => x.repository === REPO && x.environment === environment)
        .at(-1);
      const status = d ? github.state.statuses.get(d.id)?.[0] : undefined;
      return status && ["success", "failure", "error"].includes(status.state) ? status : undefined;
    },
    240_000,
    250,
  );
const deploysIn = (sent: ReturnType<typeof since>) =>
  sent.filter((r) => r.method === "POST" && (r.path.endsWith("/deployments") || r.path.endsWith("/check-runs")));

beforeAll(async () => {
  configDir = mkdtempSync(join(tmpdir(), "berth-cmd-e2e-"));
  copyFileSync("test/fixtures/configs/cmdshop.yml", join(configDir, "cmdshop.yml"));
  const privateKey = testAppKey();
  github = await startGitHubStandIn({ appId: 4242, privateKey });
  github.setPermission(REPO, "wendy", "write");
  github.setPermission(REPO, "rita", "read");
  github.setPermission(REPO, "ada", "admin");
  berth = await startBerth({
    githubHost: `127.0.0.1:${github.port}`,
    infraEnv: infraEnv(),
    privateKey,
    appId: 4242,
    extraEnv: { BERTH_CONFIG_DIR: configDir },
  });
  setPullRequest(github.state, REPO, { number: PR, headSha: head });
  const mark = github.requests.length;
  await send("pull_request", loadPayload("pull_request.opened", { repository: REPO, number: PR, headSha: head }));
  expect(await waitForFinalDeploymentStatus(github, mark, 180_000)).toMatchObject({
    state: "success",
    environment_url: URL_,
  });
  await waitForQuiet(github, mark);
});

afterAll(async () => {
  if (process.env.BERTH_E2E_VERBOSE)
    console.log(`--- Berth output (tail) ---\n${berth?.output().split("\n").slice(-80).join("\n")}`);
  await berth?.stop();
  await github?.close();
  for (const stack of [STACK, "cmdshop-staging", "cmdshop"]) {
    if (docker("service", "ls", "-q", "--filter", `label=com.docker.stack.namespace=${stack}`))
      docker("stack", "rm", stack);
  }
  if (berth) await deletePrefix(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", berth.queuePrefix);
  rmSync(configDir, { recursive: true, force: true });
});

describe("slash commands through the real bot process", () => {
  it("a read-only user's /scale web 3 → refused with a reply naming the role; replicas unchanged", async () => {
    const { reply, commentId, sent } = await command("/scale web 3", "rita");
    expect(reply).toContain("needs the developer role");
    expect(reply).toContain("'read' permission");
    expect(reactionsOn(commentId)).toEqual(["confused"]);
    expect(deploysIn(sent)).toEqual([]);
    expect(sent.some((r) => r.path === `/repos/${REPO}/collaborators/rita/permission`)).toBe(true);
    expect(webReplicas()).toBe("1");
  });

  it.each([
    ["/scale web 3; rm -rf /", "contains ';'"],
    ["/scale web 999", "999 replicas is over the limit for 'web' (maxReplicas 4"],
    ["/scale nosuch 2", "service 'nosuch' is not in this preview's stack (services: ingress, web)"],
    ["/scael web 2", "did you mean /scale?"],
    ["/scale web", "usage: `/scale <service> <replicas>`"],
    ["/logs web --tail 201", "--tail 201 is over the limit of 200 lines (commands.logTailMax"],
    ["/rollback deadbee", "deadbee was never deployed to this preview"],
    ["/status\n/scale nosuch 2", "service 'nosuch' is not in this preview's stack"],
  ])("a writer's %s → refused with a clear reply; nothing executed", async (body, expected) => {
    const before = docker("service", "inspect", `${STACK}_web`, "--format", "{{.Version.Index}}");
    const { reply, commentId, sent } = await command(body, "wendy");
    expect(reply).toContain(expected);
    expect(reply).toMatch(/nothing was run/i);
    if (body.startsWith("/scael")) expect(reply).toContain("/scale <service> <replicas>");
    expect(reactionsOn(commentId)).toEqual(["confused"]);
    expect(deploysIn(sent)).toEqual([]);
    expect(docker("service", "inspect", `${STACK}_web`, "--format", "{{.Version.Index}}")).toBe(before);
  });

  it("a writer's /scale web 3 → 👀, 3 tasks running, 🚀, a reply and the sticky comment show 3/3", async () => {
    const { reply, replyMs, commentId, sent } = await command("/scale web 3", "wendy");
    console.log(`[measure] /scale web 3 comment → reply "3/3 healthy": ${replyMs} ms`);
    expect(reply).toContain("`web` runs 3/3 healthy replicas");
    expect(reactionsOn(commentId)).toEqual(["eyes", "rocket"]);
    const reactionOrder = sent
      .filter((r) => r.path.endsWith(`/comments/${commentId}/reactions`))
      .map((r) => r.body.content);
    expect(reactionOrder).toEqual(["eyes", "rocket"]);
    expect(webReplicas()).toBe("3");
    expect(webTasksRunning()).toBe(3);
    const check = sent.filter((r) => r.method === "PATCH" && /\/check-runs\/\d+$/.test(r.path)).at(-1)!.body;
    expect(check).toMatchObject({ status: "completed", conclusion: "success" });
    expect(check.output.summary).toMatch(/web.*3\/3/);
    expect(sticky()!.body).toMatch(/\| web \| 3\/3 \|/);
    expect(prComments().filter((c) => c.body.includes("<!-- berth:preview:")).length).toBe(1);
  });

  it("the next push keeps 3 replicas", async () => {
    head = sha();
    setPullRequest(github.state, REPO, { number: PR, headSha: head });
    const mark = github.requests.length;
    await send(
      "pull_request",
      loadPayload("pull_request.synchronize", { repository: REPO, number: PR, headSha: head }),
    );
    expect(await waitForFinalDeploymentStatus(github, mark, 180_000)).toMatchObject({ state: "success" });
    await waitForQuiet(github, mark);
    expect(webReplicas()).toBe("3");
    expect(webTasksRunning()).toBe(3);
    expect(sticky()!.body).toContain(head.slice(0, 7));
    expect(sticky()!.body).toMatch(/\| web \| 3\/3 \|/);
    expect((await (await fetch(URL_)).text()).trim()).toBe(`berth-test-web sha=${head}`);
  });

  it("/logs web shows real lines from busybox httpd, fenced; /status shows 3/3 (viewer may)", async () => {
    const logs = await command("/logs web --tail 30", "rita");
    expect(logs.reply).toMatch(/last \d+ lines? of `web`/);
    expect(logs.reply).toMatch(/```+text\n/);
    // busybox httpd -v logs each request (the healthchecks, the ingress's proxied probes) as "[addr]:port: response:200".
    const block = /```+text\n([\s\S]*?)\n```+/.exec(logs.reply)![1]!.split("\n");
    expect(block.length).toBeGreaterThan(0);
    expect(block.length).toBeLessThanOrEqual(30);
    expect(block.some((l) => /^\[[0-9a-f:.]+\]:\d+: response:200$/.test(l))).toBe(true);
    const help = await command("thanks!\n/help", "rita");
    expect(help.reply).toContain("- `/scale <service> <replicas>` — ");
    expect(reactionsOn(help.commentId)).toEqual(["rocket"]);
    const status = await command("/berth status", "rita");
    expect(status.reply).toMatch(/\| web \| 3\/3 \|/);
    expect(status.reply).toMatch(/\| ingress \| 1\/1 \|/);
    expect(reactionsOn(status.commentId)).toEqual(["eyes", "rocket"]);
  });

  it("/rollback goes back to the PR's previous deployed commit, /redeploy to the head; the scaled count stays", async () => {
    const back = await command("/rollback", "wendy");
    expect(back.reply).toContain(`\`${firstHead.slice(0, 7)}\` is live at ${URL_}`);
    expect(reactionsOn(back.commentId)).toEqual(["eyes", "rocket"]);
    expect(await serves()).toBe(`berth-test-web sha=${firstHead}`);
    expect(webReplicas()).toBe("3");
    const deployment = back.sent.find((r) => r.method === "POST" && r.path === `/repos/${REPO}/deployments`)!;
    expect(deployment.body).toMatchObject({ ref: firstHead, environment: `pr-${PR}` });

    const again = await command("/berth redeploy", "wendy");
    expect(again.reply).toContain(`\`${head.slice(0, 7)}\` is live at ${URL_}`);
    expect(await serves()).toBe(`berth-test-web sha=${head}`);
    expect(webTasksRunning()).toBe(3);
  });

  it("/approve on a fork's PR records the approval of the head commit and deploys it", async () => {
    setPullRequest(github.state, REPO, {
      number: PR,
      headSha: head,
      headRepository: "mallory/cmdshop",
      authorAssociation: "CONTRIBUTOR",
      author: "mallory",
    });
    const viewer = await command("/approve", "rita");
    expect(viewer.reply).toContain("approve needs the developer role");
    const { reply, commentId } = await command("/approve", "wendy");
    expect(reply).toContain(`approved \`${head.slice(0, 7)}\``);
    expect(reply).toContain(`is live at ${URL_}`);
    expect(reactionsOn(commentId)).toEqual(["eyes", "rocket"]);
    const r = testRedis();
    const approval = await r.redis.hget(`${berth.queuePrefix}:berth:approvals:${REPO}#${PR}`, head);
    await r.cleanup();
    expect(JSON.parse(approval!)).toMatchObject({ sha: head, by: "wendy" });
    setPullRequest(github.state, REPO, { number: PR, headSha: head });
  });

  it("/deploy staging deploys the PR head to staging; /deploy production needs an admin and promotes that commit; /rollback production of an unknown SHA is refused", async () => {
    const queue = new Queue(QUEUE_NAME, {
      connection: { url: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" },
      prefix: berth.queuePrefix,
    });
    try {
      const staging = await command("/deploy staging", "wendy");
      expect(staging.reply).toMatch(/deploy of `[0-9a-f]{7}` to staging queued/);
      const job = await queue.getJob(jobIdFor(`${staging.deliveryId}:0`));
      expect(job!.data).toMatchObject({
        kind: "deploy-environment",
        repository: REPO,
        environment: "staging",
        target: { kind: "commit", sha: head, ref: "", trigger: "command" },
        pr: PR,
        sender: "wendy",
        installationId: 4242,
      });
      expect(await environmentStatus("staging")).toMatchObject({ state: "success", environment_url: STAGING_URL });
      expect(await serving(STAGING_URL)).toBe(`berth-test-web sha=${head}`);

      const refused = await command("/deploy production", "wendy");
      expect(refused.reply).toContain("deploy production needs the admin role");
      expect(await queue.getJob(jobIdFor(`${refused.deliveryId}:0`))).toBeUndefined();

      const prod = await command("/deploy production", "ada");
      expect(prod.reply).toContain("promotion of staging to production queued");
      expect((await queue.getJob(jobIdFor(`${prod.deliveryId}:0`)))!.data).toMatchObject({
        kind: "deploy-environment",
        environment: "production",
        target: { kind: "promote-staging" },
      });
      expect(await environmentStatus("production")).toMatchObject({
        state: "success",
        environment_url: PRODUCTION_URL,
      });
      expect(await serving(PRODUCTION_URL)).toBe(`berth-test-web sha=${head}`);

      const rollback = await command("/rollback production abc1234", "ada");
      expect(rollback.reply).toContain("rollback of production: no release of abc1234");
      expect(reactionsOn(rollback.commentId)).toEqual(["eyes", "confused"]);
      expect(await queue.getJob(jobIdFor(`${rollback.deliveryId}:0`))).toBeUndefined();
      await waitForQuiet(github, github.requests.length - 1);
    } finally {
      await queue.close();
    }
  });

  it("a command arriving while the preview's lock is held (a deploy running) waits for it, then runs", async () => {
    const r = testRedis();
    const lock = createEnvironmentLock(r.redis, berth.queuePrefix);
    const envKey = `${REPO}#pr-${PR}`;
    const token = await lock.acquire(envKey, { jobId: "test-holder", sha: head, kind: "deploy-preview" }, 60_000);
    expect(token).not.toBeNull();
    try {
      const mark = github.requests.length;
      const payload = issueCommentPayload({ repository: REPO, number: PR, body: "/status", user: { login: "rita" } });
      expect((await send("issue_comment", payload)).status).toBe(200);
      await new Promise((res) => setTimeout(res, 3000));
      // Nothing of the command ran while the lock was held: no permission lookup, no reaction, no reply.
      expect(since(mark)).toEqual([]);
      await lock.release(envKey, token!);
      const marker = commandReplyMarker(payload.comment.id);
      const reply = await waitFor(
        "the /status reply",
        () => prComments().find((c) => c.body.includes(marker)),
        60_000,
        100,
      );
      expect(reply.body).toMatch(/\| web \| 3\/3 \|/);
      await waitForQuiet(github, mark);
    } finally {
      await lock.release(envKey, token!).catch(() => undefined);
      await r.cleanup();
    }
  });

  it("a command whose job fails for good (GitHub does not know the PR) still gets 😕 and a reply", async () => {
    const mark = github.requests.length;
    const payload = issueCommentPayload({ repository: REPO, number: 502, body: "/redeploy", user: { login: "wendy" } });
    expect((await send("issue_comment", payload)).status).toBe(200);
    const marker = commandReplyMarker(payload.comment.id);
    const reply = await waitFor(
      "the failure reply",
      () => [...github.state.comments.values()].find((c) => c.issue === 502 && c.body.includes(marker)),
      60_000,
      100,
    );
    expect(reply.body).toContain("could not run: get pull request: GitHub answered 404");
    expect(reactionsOn(payload.comment.id)).toEqual(["confused"]);
    expect(deploysIn(since(mark))).toEqual([]);
    expect(docker("service", "ls", "-q", "--filter", "label=com.docker.stack.namespace=cmdshop-pr-502")).toBe("");
  });

  it("edited comments, comments by bots and comments on plain issues are ignored", async () => {
    const mark = github.requests.length;
    for (const payload of [
      issueCommentPayload({ repository: REPO, number: PR, body: "/destroy", user: { login: "ada" }, action: "edited" }),
      issueCommentPayload({
        repository: REPO,
        number: PR,
        body: "/destroy",
        user: { login: "ada" },
        action: "deleted",
      }),
      issueCommentPayload({
        repository: REPO,
        number: PR,
        body: "/destroy",
        user: { login: "helper[bot]", type: "Bot" },
      }),
      issueCommentPayload({
        repository: REPO,
        number: PR,
        body: "/destroy",
        user: { login: "ada" },
        onPullRequest: false,
      }),
    ]) {
      expect((await send("issue_comment", payload)).status).toBe(200);
    }
    await new Promise((r) => setTimeout(r, 2000));
    expect(since(mark)).toEqual([]);
    expect(webReplicas()).toBe("3");
  });

  it("/destroy by a writer is refused; by an admin it tears the preview down and forgets the scaled count", async () => {
    const refused = await command("/destroy", "wendy");
    expect(refused.reply).toContain("destroy needs the admin role");
    expect(docker("service", "ls", "-q", "--filter", stackLabel)).not.toBe("");

    const { reply, commentId } = await command("/destroy", "ada");
    expect(reply).toContain(`preview \`${STACK}\` removed`);
    expect(reactionsOn(commentId)).toEqual(["eyes", "rocket"]);
    expect(docker("service", "ls", "-q", "--filter", stackLabel)).toBe("");
    expect(docker("network", "ls", "-q", "--filter", stackLabel)).toBe("");
    expect(sticky()!.body).toMatch(/Preview torn down\*\* \(PR destroyed\)/);
    const r = testRedis();
    const left = await r.redis.keys(`${berth.queuePrefix}:berth:replicas:*`);
    await r.cleanup();
    expect(left).toEqual([]);
  });
});
