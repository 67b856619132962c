// Traffic policies rendered for the Caddy edge, proven with real requests through the bot's own edge: a sticky
// cookie pins a client to one task; a task that answers 500 is taken out of rotation after `failures` errors and
// comes back once they are older than `window`; a slow answer hits the response timeout (504 from the edge).
// Apps edge*, PRs 1300-1399 (this file: 1351), ports 27220-27221.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { waitForFinalDeploymentStatus } from "../../scripts/demo/recorded.js";
import { waitFor } from "../../scripts/lib/wait-for.js";
import { loadPayload } from "../fixtures/webhooks/index.js";
import { LOCAL_SSH_YAML } from "../../scripts/lib/local-config.js";
import { docker, sha, startPolicyBot, type PolicyBot } from "../helpers/policies-bot.js";
import { edgeRootFile, viaEdge } from "../helpers/edge.js";

const EDGE = `edgepol${process.pid}`;
const HTTPS_PORT = 27220;
const PR = 1351;
const STACK = `edgepol-pr-${PR}`;
const HOST = `${STACK}.edge.test`;
const WINDOW_S = 6;
let bot: PolicyBot;
let caFile: string;

const CONFIG = [
  "repository: acme/edgepol",
  "app: edgepol",
  "template: web-service.yml",
  LOCAL_SSH_YAML,
  "routing:",
  "  mode: caddy",
  "  domain: edge.test",
  "  probeHost: 127.0.0.1",
  `  caddy: { service: ${EDGE}, network: ${EDGE}, httpsPort: ${HTTPS_PORT}, httpPort: ${HTTPS_PORT + 1} }`,
  "preview:",
  "  healthTimeoutSeconds: 120",
  "  maxFailedTasks: 2",
  "services:",
  "  web:",
  "    image: berth-test-policy:1",
  "    replicas: 2",
  "    public: true",
  "    port: 8080",
  "    healthPath: /healthz",
  "    env: { SLOW_SECONDS: '4' }",
  "    traffic:",
  "      loadBalancing: sticky-cookie",
  "      stickyCookie: edgepol_pin",
  "      retries: { budget: 2s, interval: 100ms }",
  "      timeouts: { connect: 1s, response: 2s }",
  `      circuitBreaker: { failures: 2, window: ${WINDOW_S}s }`,
  "",
].join("\n");

beforeAll(async () => {
  expect(readFileSync("templates/web-service.yml", "utf8")).toContain("services:");
  bot = await startPolicyBot({ edgepol: CONFIG });
  const mark = bot.github.requests.length;
  await bot.send(
    "pull_request",
    loadPayload("pull_request.opened", { repository: "acme/edgepol", number: PR, headSha: sha() }),
  );
  const final = await waitForFinalDeploymentStatus(bot.github, mark, 300_000);
  expect(final.state, JSON.stringify(final)).toBe("success");
  caFile = edgeRootFile(EDGE);
}, 400_000);

afterAll(async () => {
  await bot?.stop([STACK]);
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
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }
});

const taskOf = (body: string) => /task=([0-9a-f]+)/.exec(body)?.[1];
const tasks = () =>
  docker("ps", "-q", "--filter", `label=com.docker.swarm.service.name=${STACK}_web`).split("\n").filter(Boolean);

describe("traffic policies at the Caddy edge", () => {
  it("spreads clients without a cookie over both tasks and pins a client that carries one", () => {
    const seen = new Set<string>();
    let cookie: string | undefined;
    for (let i = 0; i < 12; i++) {
      const r = viaEdge(HOST, HTTPS_PORT, caFile, "/cgi-bin/who");
      expect(r.status, r.body).toBe(200);
      seen.add(taskOf(r.body)!);
      cookie ??= /set-cookie: (edgepol_pin=[^;\r\n]+)/i.exec(r.headers)?.[1];
    }
    expect(seen.size).toBe(2);
    expect(cookie).toBeDefined();
    const pinned = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const r = viaEdge(HOST, HTTPS_PORT, caFile, "/cgi-bin/who", ["-H", `Cookie: ${cookie}`]);
      expect(r.status).toBe(200);
      pinned.add(taskOf(r.body)!);
    }
    expect(pinned.size).toBe(1);
  });

  it("gives up on a slow answer at the response timeout", () => {
    const started = Date.now();
    const r = viaEdge(HOST, HTTPS_PORT, caFile, "/cgi-bin/slow");
    const took = Date.now() - started;
    // Caddy answers 504 Gateway Timeout when the task's response headers do not come within response_header_timeout;
    // the task answers after 4 s, the edge's 2 s timeout first.
    expect(r.status).toBe(504);
    expect(took).toBeLessThan(4_000);
  });

  it("takes a task answering 500 out of rotation and brings it back once its failures age out", async () => {
    // The slow answer before timed out, and Caddy counts that as a failure of its task for the window: let it age out,
    // or the first 500 takes that task out at once.
    await new Promise((r) => setTimeout(r, WINDOW_S * 1000 + 500));
    const [broken] = tasks();
    const brokenTask = broken!.slice(0, 12);
    docker("exec", broken!, "touch", "/tmp/broken");
    // Without a cookie the sticky policy picks a task at random (Caddy's fallback), so the broken task is not
    // necessarily hit early: ask until it answered 500 `failures` (2) times, within a bound.
    const statuses: number[] = [];
    const fivehundreds = () => statuses.filter((s) => s === 500).length;
    while (fivehundreds() < 2 && statuses.length < 40)
      statuses.push(viaEdge(HOST, HTTPS_PORT, caFile, "/cgi-bin/who").status);
    expect(fivehundreds()).toBe(2);
    expect(statuses.filter((s) => s !== 200 && s !== 500)).toEqual([]);
    // After `failures` errors Caddy takes the task out of rotation: no request reaches it within the window.
    const after = Array.from({ length: 10 }, () => viaEdge(HOST, HTTPS_PORT, caFile, "/cgi-bin/who").status);
    expect(after).toEqual(Array.from({ length: 10 }, () => 200));
    docker("exec", broken!, "rm", "/tmp/broken");
    await waitFor(
      "the repaired task back in rotation",
      () => taskOf(viaEdge(HOST, HTTPS_PORT, caFile, "/cgi-bin/who").body) === brokenTask || undefined,
      WINDOW_S * 1000 + 30_000,
      200,
    );
  }, 120_000);
});
