// Server and worker as separate processes sharing Redis: the server only enqueues; the worker deploys. Three
// pushes in quick succession: the first runs, the middle one is dropped as superseded, the newest is deployed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { startGitHubStandIn, type GitHubStandIn } from "../../scripts/github-stand-in/index.js";
import { startBerth, testAppKey, type BerthProcess } from "../../scripts/lib/berth-process.js";
import { sendWebhook } from "../../scripts/lib/webhook-sender.js";
import { waitFor } from "../../scripts/lib/wait-for.js";
import { loadPayload } from "../fixtures/webhooks/index.js";
import { infraEnv } from "../helpers/infra.js";
import { testRedis } from "../helpers/redis.js";
import { deletePrefix } from "../../scripts/lib/redis-prefix.js";

const PR = 125;
const STACK = `shop-pr-${PR}`;
const sha = () => randomBytes(20).toString("hex");
const label = `label=com.docker.stack.namespace=${STACK}`;
let github: GitHubStandIn;
let server: BerthProcess;
let worker: BerthProcess | undefined;
const privateKey = testAppKey();

beforeAll(async () => {
  github = await startGitHubStandIn({ appId: 4242, privateKey });
  server = await startBerth({
    entry: "start-server.ts",
    githubHost: `127.0.0.1:${github.port}`,
    infraEnv: infraEnv(),
    privateKey,
    appId: 4242,
  });
});

afterAll(async () => {
  await server?.stop();
  await worker?.stop();
  await github?.close();
  if (execFileSync("docker", ["service", "ls", "-q", "--filter", label]).toString().trim())
    execFileSync("docker", ["stack", "rm", STACK]);
  await deletePrefix(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", server.queuePrefix);
});

describe("server and worker as separate processes", () => {
  it("the server alone enqueues and reports nothing; a worker started later deploys only the newest of queued pushes", async () => {
    const shas = [sha(), sha(), sha()];
    for (const [i, head] of shas.entries()) {
      const res = await sendWebhook({
        url: server.webhookUrl,
        event: "pull_request",
        payload: loadPayload(i === 0 ? "pull_request.opened" : "pull_request.synchronize", {
          number: PR,
          headSha: head,
        }),
        secret: server.webhookSecret,
      });
      expect(res.status).toBe(200);
    }
    await new Promise((r) => setTimeout(r, 1000));
    expect(github.requests).toEqual([]); // no worker: nothing happened yet, nothing lost either
    const r = testRedis();
    expect(await r.redis.llen(`${server.queuePrefix}:berth-deploys:wait`)).toBe(3);
    await r.cleanup();

    worker = await startBerth({
      entry: "start-worker.ts",
      githubHost: `127.0.0.1:${github.port}`,
      infraEnv: infraEnv(),
      privateKey,
      appId: 4242,
      webhookSecret: server.webhookSecret,
      queuePrefix: server.queuePrefix,
    });
    await waitFor(
      "the newest SHA to be reported live",
      () =>
        github.requests.find((x) => x.method === "POST" && /statuses$/.test(x.path) && x.body.state === "success") ??
        undefined,
      120_000,
      250,
    );
    const checkRuns = github.requests
      .filter((x) => x.method === "POST" && x.path === "/repos/acme/shop/check-runs")
      .map((x) => x.body.head_sha);
    expect(checkRuns).toEqual([shas[2]]);
    const body = await (await fetch(`http://127.0.0.1:${20000 + PR}/`)).text();
    expect(body.trim()).toBe(`berth-test-web sha=${shas[2]}`);
  });
});
