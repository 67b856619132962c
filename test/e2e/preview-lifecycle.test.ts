// End to end: the real Berth process (server + worker) receives signed webhooks, deploys through Redis, SSH and the
// real Swarm, and reports to the local GitHub stand-in; every request Berth sends is asserted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes, randomUUID } from "node:crypto";
import { startGitHubStandIn, type GitHubStandIn } from "../../scripts/github-stand-in/index.js";
import { startBerth, testAppKey, type BerthProcess } from "../../scripts/lib/berth-process.js";
import { sendWebhook } from "../../scripts/lib/webhook-sender.js";
import { waitFor } from "../../scripts/lib/wait-for.js";
import { waitForFinalDeploymentStatus, waitForQuiet } from "../../scripts/demo/recorded.js";
import { loadPayload } from "../fixtures/webhooks/index.js";
import { infraEnv } from "../helpers/infra.js";
import { testRedis } from "../helpers/redis.js";
import { deletePrefix } from "../../scripts/lib/redis-prefix.js";
import { LOCAL_SSH_YAML } from "../../scripts/lib/local-config.js";
import { removeAndWait } from "../../scripts/lib/stack-cleanup.js";

const PR = 123;
const STACK = `shop-pr-${PR}`;
const CRASHY_PR = 124;
const sha = () => randomBytes(20).toString("hex");
const docker = (...args: string[]) => execFileSync("docker", args).toString().trim();
const stackLabel = (stack: string) => `label=com.docker.stack.namespace=${stack}`;

let github: GitHubStandIn;
let berth: BerthProcess;
let configDir: string;

function send(
  event: string,
  payload: unknown,
  extra: { deliveryId?: string; secret?: string | null; signature?: string } = {},
) {
  return sendWebhook({
    url: berth.webhookUrl,
    event,
    payload,
    secret: extra.secret === null ? undefined : (extra.secret ?? berth.webhookSecret),
    signature: extra.signature,
    deliveryId: extra.deliveryId,
  });
}

const since = (mark: number) => github.requests.slice(mark).filter((r) => !r.path.endsWith("/access_tokens"));

beforeAll(async () => {
  configDir = mkdtempSync(join(tmpdir(), "berth-e2e-"));
  copyFileSync("deploy-configs/shop.yml", join(configDir, "shop.yml"));
  // A config with two mistakes, for acme/broken.
  writeFileSync(
    join(configDir, "broken.yml"),
    [
      "repository: acme/broken",
      "app: broken",
      "template: web-service.yml",
      "ssh:",
      "  host: 127.0.0.1",
      "  user: berth",
      "  privateKeyPath: /nonexistent",
      "  hostKey: not-a-key",
      "routing:",
      "  mode: host-port",
      "  domain: preview.localhost",
      "services:",
      "  web:",
      "    image: x",
      "    replica: 2",
      "    public: true",
      "    port: 8080",
      "",
    ].join("\n"),
  );
  // An app whose image never starts.
  writeFileSync(
    join(configDir, "crashy.yml"),
    `repository: acme/crashy
app: crashy
template: web-service.yml
${LOCAL_SSH_YAML}
routing: { mode: host-port, domain: preview.localhost, previewPortBase: 20000 }
preview: { healthTimeoutSeconds: 90, maxFailedTasks: 2 }
services:
  web:
    image: \${BERTH_BROKEN_IMAGE}
    public: true
    port: 8080
    healthPath: /healthz
`,
  );
  const privateKey = testAppKey();
  github = await startGitHubStandIn({ appId: 4242, privateKey });
  berth = await startBerth({
    githubHost: `127.0.0.1:${github.port}`,
    infraEnv: infraEnv(),
    privateKey,
    appId: 4242,
    extraEnv: { BERTH_CONFIG_DIR: configDir },
  });
});

afterAll(async () => {
  if (process.env.BERTH_E2E_VERBOSE)
    console.log(`--- Berth output (tail) ---\n${berth?.output().split("\n").slice(-80).join("\n")}`);
  await berth?.stop();
  await github?.close();
  for (const stack of [STACK, `crashy-pr-${CRASHY_PR}`]) {
    await removeAndWait(stack, 60_000);
  }
  await deletePrefix(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", berth.queuePrefix);
  rmSync(configDir, { recursive: true, force: true });
});

describe("preview lifecycle through the real bot process", () => {
  it("answers /healthz with Redis's state", async () => {
    const res = await fetch(`${berth.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, redis: { ok: true } });
  });

  it("refuses unsigned and wrongly signed webhooks with 4xx and enqueues nothing", async () => {
    const mark = github.requests.length;
    const payload = loadPayload("pull_request.opened", { number: PR, headSha: sha() });
    const unsigned = await send("pull_request", payload, { secret: null });
    const wrong = await send("pull_request", payload, { signature: `sha256=${"0".repeat(64)}` });
    expect(unsigned.status).toBeGreaterThanOrEqual(400);
    expect(unsigned.status).toBeLessThan(500);
    expect(wrong.status).toBeGreaterThanOrEqual(400);
    expect(wrong.status).toBeLessThan(500);
    const r = testRedis();
    const jobs = await r.redis.keys(`${berth.queuePrefix}:berth-deploys:d-*`);
    await r.cleanup();
    expect(jobs).toEqual([]);
    await new Promise((res) => setTimeout(res, 500));
    expect(github.requests.length).toBe(mark);
  });

  it("ignores events sent by bots", async () => {
    const mark = github.requests.length;
    const res = await send(
      "pull_request",
      loadPayload("pull_request.opened", {
        number: PR,
        headSha: sha(),
        sender: { login: "dependabot[bot]", type: "Bot" },
      }),
    );
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 1000));
    expect(github.requests.length).toBe(mark);
  });

  let url = "";
  it("PR opened → shop-pr-123 running, check success, deployment success with URL, one sticky comment (same delivery twice → one deploy)", async () => {
    const head = sha();
    const mark = github.requests.length;
    const delivery = randomUUID();
    const started = Date.now();
    const first = await send("pull_request", loadPayload("pull_request.opened", { number: PR, headSha: head }), {
      deliveryId: delivery,
    });
    const again = await send("pull_request", loadPayload("pull_request.opened", { number: PR, headSha: head }), {
      deliveryId: delivery,
    });
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(first.ms).toBeLessThan(2000);
    const final = await waitForFinalDeploymentStatus(github, mark, 180_000);
    const reportedMs = Date.now() - started;
    await waitForQuiet(github, mark);
    expect(final).toMatchObject({ state: "success", environment_url: `http://127.0.0.1:${20000 + PR}` });
    url = final.environment_url!;
    console.log(`[measure] webhook → deployment status success: ${reportedMs} ms`);

    const sent = since(mark);
    const checkCreates = sent.filter((r) => r.method === "POST" && r.path === "/repos/acme/shop/check-runs");
    expect(checkCreates).toHaveLength(1); // the duplicate delivery deployed nothing
    expect(checkCreates[0]!.body).toMatchObject({
      name: "Berth / preview",
      head_sha: head,
      status: "queued",
      output: { title: "Queued" },
    });
    const deployments = sent.filter((r) => r.method === "POST" && r.path === "/repos/acme/shop/deployments");
    expect(deployments).toHaveLength(1);
    expect(deployments[0]!.body).toMatchObject({
      ref: head,
      environment: "pr-123",
      transient_environment: true,
      production_environment: false,
      required_contexts: [],
      auto_merge: false,
    });
    // The deployment gets its final status only: while it runs it shows as pending, and the check run carries the
    // progress (one write fewer per deploy).
    const statuses = sent
      .filter((r) => r.method === "POST" && /\/deployments\/\d+\/statuses$/.test(r.path))
      .map((r) => r.body.state);
    expect(statuses).toEqual(["success"]);
    const checkUpdates = sent
      .filter((r) => r.method === "PATCH" && /\/check-runs\/\d+$/.test(r.path))
      .map((r) => r.body);
    // Likewise in_progress updates may be coalesced away; whatever precedes the final one is in progress.
    expect(
      checkUpdates
        .slice(0, -1)
        .map((u) => u.status)
        .filter((s) => s !== "in_progress"),
    ).toEqual([]);
    expect(checkUpdates.at(-1)).toMatchObject({
      status: "completed",
      conclusion: "success",
      output: { title: "Preview is live" },
    });
    expect(checkUpdates.at(-1)!.output.summary).toContain(url);

    const comments = [...github.state.comments.values()].filter((c) => c.repository === "acme/shop" && c.issue === PR);
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toContain("<!-- berth:preview:pr-123 -->");
    expect(comments[0].body).toContain(`Live at ${url}`);
    expect(comments[0].body).toContain(head.slice(0, 7));
    expect(comments[0].body).toMatch(/\| web \| 1\/1 \|/);
    expect(comments[0].body).toMatch(/deployed in \d+\.\d s/);

    expect(docker("service", "ls", "--filter", stackLabel(STACK), "--format", "{{.Name}} {{.Replicas}}")).toBe(
      `${STACK}_web 1/1`,
    );
    expect((await (await fetch(url)).text()).trim()).toBe(`berth-test-web sha=${head}`);
  });

  it("push → the new SHA is served; the comment is edited, not duplicated", async () => {
    const head = sha();
    const mark = github.requests.length;
    await send("pull_request", loadPayload("pull_request.synchronize", { number: PR, headSha: head }));
    const final = await waitForFinalDeploymentStatus(github, mark, 180_000);
    await waitForQuiet(github, mark);
    expect(final.state).toBe("success");
    expect((await (await fetch(url)).text()).trim()).toBe(`berth-test-web sha=${head}`);
    const comments = [...github.state.comments.values()].filter((c) => c.repository === "acme/shop" && c.issue === PR);
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toContain(head.slice(0, 7));
    expect(since(mark).some((r) => r.method === "POST" && r.path.endsWith("/issues/123/comments"))).toBe(false);
  });

  it("closed → no service or network left, deployments inactive, the comment says so", async () => {
    const mark = github.requests.length;
    await send("pull_request", loadPayload("pull_request.closed", { number: PR, headSha: sha(), merged: true }));
    await waitForFinalDeploymentStatus(github, mark, 180_000, ["inactive"]);
    await waitForQuiet(github, mark);
    expect(docker("service", "ls", "-q", "--filter", stackLabel(STACK))).toBe("");
    expect(docker("network", "ls", "-q", "--filter", stackLabel(STACK))).toBe("");
    expect(docker("ps", "-aq", "--filter", stackLabel(STACK))).toBe("");
    const pr123 = [...github.state.deployments.values()].filter((d) => d.environment === "pr-123");
    expect(pr123.length).toBeGreaterThanOrEqual(2);
    for (const d of pr123) expect(github.state.statuses.get(d.id)![0].state).toBe("inactive");
    const comment = [...github.state.comments.values()].find((c) => c.issue === PR)!;
    expect(comment.body).toMatch(/Preview torn down\*\* \(PR merged\)/);
  });

  it("reopened → deployed again; closed again → gone", async () => {
    const head = sha();
    let mark = github.requests.length;
    await send("pull_request", loadPayload("pull_request.reopened", { number: PR, headSha: head }));
    expect(await waitForFinalDeploymentStatus(github, mark, 180_000)).toMatchObject({ state: "success" });
    expect((await (await fetch(url)).text()).trim()).toBe(`berth-test-web sha=${head}`);
    await waitForQuiet(github, mark);
    mark = github.requests.length;
    await send("pull_request", loadPayload("pull_request.closed", { number: PR, headSha: head }));
    await waitForFinalDeploymentStatus(github, mark, 180_000, ["inactive"]);
    await waitForQuiet(github, mark);
    expect(docker("service", "ls", "-q", "--filter", stackLabel(STACK))).toBe("");
    expect([...github.state.comments.values()].filter((c) => c.issue === PR)).toHaveLength(1);
  });

  it("invalid config → a failing check run listing file:line:col, nothing deployed", async () => {
    const mark = github.requests.length;
    await send(
      "pull_request",
      loadPayload("pull_request.opened", { repository: "acme/broken", number: 7, headSha: sha() }),
    );
    await waitFor(
      "the completed check run",
      () =>
        since(mark).some((r) => r.method === "PATCH" && /check-runs/.test(r.path) && r.body.status === "completed")
          ? true
          : undefined,
      60_000,
    );
    await waitForQuiet(github, mark);
    const completed = since(mark).filter(
      (r) => r.method === "PATCH" && /check-runs/.test(r.path) && r.body.status === "completed",
    );
    expect(completed).toHaveLength(1);
    expect(completed[0]!.body).toMatchObject({
      conclusion: "failure",
      output: { title: expect.stringMatching(/^Invalid deploy config \(\d+ problems?\)$/) },
    });
    const summary: string = completed[0]!.body.output.summary;
    expect(summary).toMatch(/broken\.yml:15:5/); // replica → did you mean replicas
    expect(summary).toMatch(/replicas/);
    expect(summary).toMatch(/broken\.yml:8:\d+/); // hostKey
    expect(since(mark).some((r) => r.path.endsWith("/deployments"))).toBe(false);
    expect(docker("service", "ls", "-q", "--filter", stackLabel("broken-pr-7"))).toBe("");
  });

  it("an image that never becomes healthy → failure with Swarm's task error and its logs; the stack is removed", async () => {
    const mark = github.requests.length;
    await send(
      "pull_request",
      loadPayload("pull_request.opened", { repository: "acme/crashy", number: CRASHY_PR, headSha: sha() }),
    );
    const final = await waitForFinalDeploymentStatus(github, mark, 180_000);
    await waitForQuiet(github, mark);
    expect(final.state).toBe("failure");
    const check = since(mark)
      .filter((r) => r.method === "PATCH" && /check-runs/.test(r.path))
      .at(-1)!.body;
    expect(check).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(check.output.summary).toMatch(/non-zero exit \(1\)/);
    expect(check.output.summary).toContain("refusing to start");
    expect(docker("service", "ls", "-q", "--filter", stackLabel(`crashy-pr-${CRASHY_PR}`))).toBe("");
  });
});
