// Routing mode caddy through the real bot process: two previews of one app answer at their own host names on the
// Caddy edge (127.0.0.1:27210, TLS from the edge's internal CA, verified), each with its own commit; the preview's
// internal service is unreachable from the edge (its name does not resolve there, nor is it on the edge network);
// an edge restart loses Caddy's config and Berth re-applies the routes from what runs; closing a PR turns its host
// into a 404 while the other keeps serving. Apps edge*, PRs 1300-1399, ports 27200-27399.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { waitForFinalDeploymentStatus } from "../../scripts/demo/recorded.js";
import { waitFor } from "../../scripts/lib/wait-for.js";
import { loadPayload } from "../fixtures/webhooks/index.js";
import { LOCAL_SSH_YAML } from "../../scripts/lib/local-config.js";
import { docker, sha, startPolicyBot, type PolicyBot } from "../helpers/policies-bot.js";
import { edgeContainer, edgeRootFile, viaEdge } from "../helpers/edge.js";

const EDGE = `edgee2e${process.pid}`;
const HTTPS_PORT = 27210;
const HTTP_PORT = 27211;
const [A, B] = [1301, 1302];
const stack = (pr: number) => `edgeapp-pr-${pr}`;
const host = (pr: number) => `${stack(pr)}.edge.test`;
const heads: Record<number, string> = { [A]: sha(), [B]: sha() };
let bot: PolicyBot;
let caFile: string;

// web-service.yml plus an internal `db` service (same test image) that only the stack's own network carries.
const TEMPLATE = readFileSync("templates/web-service.yml", "utf8").concat(`
  db:
    image: berth-test-web:1
    healthcheck:
      test: ["CMD", "busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"]
      interval: 2s
      timeout: 3s
      retries: 3
`);

const CONFIG = [
  "repository: acme/edgeapp",
  "app: edgeapp",
  "template: edge-two.yml",
  LOCAL_SSH_YAML,
  "routing:",
  "  mode: caddy",
  "  domain: edge.test",
  "  probeHost: 127.0.0.1",
  `  caddy: { service: ${EDGE}, network: ${EDGE}, httpsPort: ${HTTPS_PORT}, httpPort: ${HTTP_PORT} }`,
  "preview:",
  "  healthTimeoutSeconds: 120",
  "  maxFailedTasks: 2",
  "services:",
  "  web:",
  "    image: ${BERTH_TEST_IMAGE}",
  "    public: true",
  "    port: 8080",
  "    healthPath: /healthz",
  "",
].join("\n");

beforeAll(async () => {
  bot = await startPolicyBot({ edgeapp: CONFIG }, { BERTH_EDGE_SYNC_SECONDS: "1" }, { "edge-two.yml": TEMPLATE });
});

afterAll(async () => {
  await bot?.stop([stack(A), stack(B)]);
  for (const args of [
    ["service", "rm", EDGE],
    ["network", "rm", EDGE],
    ["volume", "rm", `${EDGE}-data`],
  ]) {
    for (let i = 0; i < 30; i++) {
      try {
        docker(...args);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 1000)); // the edge's task and the stacks leave the network first
      }
    }
  }
});

async function open(pr: number) {
  const mark = bot.github.requests.length;
  await bot.send(
    "pull_request",
    loadPayload("pull_request.opened", { repository: "acme/edgeapp", number: pr, headSha: heads[pr] }),
  );
  return waitForFinalDeploymentStatus(bot.github, mark, 240_000);
}

describe("routing mode caddy: one edge, a host name per environment", () => {
  it("deploys two previews, each answering at its own host over verified TLS with its own commit", async () => {
    const a = await open(A);
    expect(a.state).toBe("success");
    expect(a.environment_url).toBe(`https://${host(A)}:${HTTPS_PORT}`);
    const b = await open(B);
    expect(b.state).toBe("success");
    caFile = edgeRootFile(EDGE);
    for (const pr of [A, B]) {
      const answer = viaEdge(host(pr), HTTPS_PORT, caFile);
      expect(answer.status, answer.body).toBe(200);
      expect(answer.body).toContain(`sha=${heads[pr]}`);
    }
    // A host the edge has no route for: TLS completes (wildcard from the internal CA) and Caddy answers 404.
    expect(viaEdge(`edgeapp-pr-1399.edge.test`, HTTPS_PORT, caFile).status).toBe(404);
  }, 600_000);

  it("keeps a preview's internal services off the edge network", () => {
    const edge = edgeContainer(EDGE)!;
    const probe = (url: string) => {
      try {
        docker("exec", edge, "busybox", "timeout", "5", "wget", "-q", "-O", "-", url);
        return true;
      } catch {
        return false;
      }
    };
    // Positive control: the public service is reachable from the edge by its Swarm name…
    expect(probe(`http://${stack(A)}_web:8080/healthz`)).toBe(true);
    // …the internal one is not: its name resolves only on the stack's own network.
    expect(probe(`http://${stack(A)}_db:8080/healthz`)).toBe(false);
    const onEdge = docker("network", "inspect", EDGE, "--format", "{{range .Containers}}{{.Name}} {{end}}");
    expect(onEdge).toContain(`${stack(A)}_web.`);
    expect(onEdge).not.toContain(`${stack(A)}_db.`);
    expect(onEdge).not.toContain(`${stack(B)}_db.`);
  });

  it("re-applies every route after the edge restarts with an empty config", async () => {
    const before = edgeContainer(EDGE);
    docker("service", "update", "--force", "--detach", EDGE);
    await waitFor(
      "a new edge container",
      () => {
        const now = edgeContainer(EDGE);
        return now && now !== before ? now : undefined;
      },
      120_000,
      500,
    );
    await waitFor(
      "both hosts served again through the restarted edge",
      () => [A, B].every((pr) => viaEdge(host(pr), HTTPS_PORT, caFile).body.includes(`sha=${heads[pr]}`)) || undefined,
      120_000,
      500,
    );
  }, 300_000);

  it("answers 404 for a closed preview's host while the other keeps serving", async () => {
    const sent = Date.now();
    await bot.send(
      "pull_request",
      loadPayload("pull_request.closed", { repository: "acme/edgeapp", number: B, headSha: heads[B] }),
    );
    await waitFor(
      "the closed preview's host to answer 404",
      () => viaEdge(host(B), HTTPS_PORT, caFile).status === 404 || undefined,
      60_000,
      100,
    );
    console.log(`closed webhook → 404 at the edge: ${Date.now() - sent} ms`);
    const a = viaEdge(host(A), HTTPS_PORT, caFile);
    expect(a.status).toBe(200);
    expect(a.body).toContain(`sha=${heads[A]}`);
  }, 120_000);
});
