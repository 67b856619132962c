// Routing mode caddy through the real bot process, with the etcd registry on: two previews of one app answer at their
// own host names on the Caddy edge (127.0.0.1:27210, TLS from the edge's internal CA, verified), each with its own
// commit, and are registered in etcd (read back with the etcd3 client); staging (a push to main) takes the same
// path — route, probe through the edge, registry; the preview's internal service is unreachable from the edge (its
// name does not resolve there, its address is off-link, it is not on the edge network); an edge restart loses
// Caddy's config and Berth re-applies the routes from what runs; closing a PR turns its host into a 404 and its
// entries leave etcd within a second, while the other keeps serving. Apps edge*, PRs 1301-1302, ports 27210-27211.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { Etcd3 } from "etcd3";
import { waitForFinalDeploymentStatus } from "../../scripts/demo/recorded.js";
import { waitFor } from "../../scripts/lib/wait-for.js";
import { loadPayload } from "../fixtures/webhooks/index.js";
import { LOCAL_SSH_YAML } from "../../scripts/lib/local-config.js";
import { docker, sha, startPolicyBot, type PolicyBot } from "../helpers/policies-bot.js";
import { edgeContainer, edgeRootFile, viaEdge } from "../helpers/edge.js";
import { pushPayload } from "../fixtures/webhooks/push.js";
import { infraEnv } from "../helpers/infra.js";

const EDGE = `edgee2e${process.pid}`;
const HTTPS_PORT = 27210;
const HTTP_PORT = 27211;
const [A, B] = [1301, 1302];
const stack = (pr: number) => `edgeapp-pr-${pr}`;
const host = (pr: number) => `${stack(pr)}.edge.test`;
const STAGING = "edgeapp-staging";
const STAGING_HOST = `${STAGING}.edge.test`;
const STAGING_SHA = sha();
const heads: Record<number, string> = { [A]: sha(), [B]: sha() };
let bot: PolicyBot;
let caFile: string;
// The registry as etcd itself holds it: berth/services/<repository>/<environment>/<service> → the entry's JSON.
const etcd = new Etcd3({ hosts: `http://${infraEnv().BERTH_ETCD_ENDPOINTS ?? "127.0.0.1:27379"}` });
const REGISTRY_PREFIX = "berth/services/acme/edgeapp/";
const entryOf = async (environment: string, service: string) => {
  const text = await etcd.get(`${REGISTRY_PREFIX}${environment}/${service}`).string();
  return text === null ? undefined : (JSON.parse(text) as { id: string; meta: Record<string, string> });
};

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
  "staging: { branch: main, ciGate: false, healthTimeoutSeconds: 120 }",
  "services:",
  "  web:",
  "    image: ${BERTH_TEST_IMAGE}",
  "    public: true",
  "    port: 8080",
  "    healthPath: /healthz",
  "",
].join("\n");

beforeAll(async () => {
  bot = await startPolicyBot(
    { edgeapp: CONFIG },
    { BERTH_EDGE_SYNC_SECONDS: "1", BERTH_DISCOVERY: "etcd" },
    { "edge-two.yml": TEMPLATE },
  );
});

afterAll(async () => {
  await bot?.stop([stack(A), stack(B), STAGING]);
  await etcd.delete().prefix(REGISTRY_PREFIX);
  etcd.close();
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
    // Healthy = registered: each preview's services are in etcd, with the commit and URL that answer.
    for (const pr of [A, B]) {
      for (const service of ["web", "db"]) {
        const entry = await entryOf(`pr-${pr}`, service);
        expect(entry, `pr-${pr}/${service} in etcd`).toBeDefined();
        expect(entry!.id).toBe(`${stack(pr)}_${service}`);
        expect(entry!.meta).toMatchObject({
          repository: "acme/edgeapp",
          environment: `pr-${pr}`,
          sha: heads[pr],
          url: `https://${host(pr)}:${HTTPS_PORT}`,
        });
      }
    }
  }, 600_000);

  it("deploys staging from a push through the same edge path: routed, probed through the edge, registered", async () => {
    const mark = bot.github.requests.length;
    const res = await bot.send(
      "push",
      pushPayload({ ref: "refs/heads/main", sha: STAGING_SHA, repository: "acme/edgeapp" }),
    );
    expect(res.status).toBe(200);
    const final = await waitForFinalDeploymentStatus(bot.github, mark, 240_000);
    expect(final.state, JSON.stringify(final)).toBe("success");
    expect(final.environment_url).toBe(`https://${STAGING_HOST}:${HTTPS_PORT}`);
    const answer = viaEdge(STAGING_HOST, HTTPS_PORT, caFile);
    expect(answer.status, answer.body).toBe(200);
    expect(answer.body).toContain(`sha=${STAGING_SHA}`);
    expect((await entryOf("staging", "web"))?.meta).toMatchObject({ environment: "staging", sha: STAGING_SHA });
  }, 300_000);

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
    // …the internal one is not: its name resolves only on the stack's own network…
    expect(probe(`http://${stack(A)}_db:8080/healthz`)).toBe(false);
    // …and its address is on no link of the edge (a route lookup only: no packet is sent to it).
    const db = docker("ps", "-q", "--filter", `label=com.docker.swarm.service.name=${stack(A)}_db`).split("\n")[0]!;
    const dbAddress = JSON.parse(docker("inspect", db, "--format", "{{json .NetworkSettings.Networks}}"))[
      `${stack(A)}_berth`
    ].IPAddress as string;
    expect(dbAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(docker("exec", edge, "busybox", "ip", "route", "get", dbAddress)).toContain(" via ");
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
      "both previews and staging served again through the restarted edge",
      () =>
        ([A, B].every((pr) => viaEdge(host(pr), HTTPS_PORT, caFile).body.includes(`sha=${heads[pr]}`)) &&
          viaEdge(STAGING_HOST, HTTPS_PORT, caFile).body.includes(`sha=${STAGING_SHA}`)) ||
        undefined,
      120_000,
      500,
    );
  }, 300_000);

  it("answers 404 for a closed preview's host and drops its etcd entries within a second; the other keeps serving", async () => {
    // etcd's own watch stamps each deletion as it happens, independent of how often the test polls.
    const deleted = new Map<string, number>();
    const watcher = await etcd.watch().prefix(`${REGISTRY_PREFIX}pr-${B}/`).create();
    watcher.on("delete", (kv) => deleted.set(kv.key.toString(), Date.now()));
    const sent = Date.now();
    await bot.send(
      "pull_request",
      loadPayload("pull_request.closed", { repository: "acme/edgeapp", number: B, headSha: heads[B] }),
    );
    await waitFor(
      "the closed preview's host to answer 404",
      () => viaEdge(host(B), HTTPS_PORT, caFile).status === 404 || undefined,
      60_000,
      50,
    );
    const notFoundAt = Date.now();
    await waitFor("both of its entries deleted in etcd", () => (deleted.size >= 2 ? true : undefined), 10_000, 20);
    await watcher.cancel();
    const deregisteredAt = Math.max(...deleted.values());
    console.log(
      `closed webhook → 404 at the edge: ${notFoundAt - sent} ms; → deregistered in etcd: ${deregisteredAt - sent} ms`,
    );
    expect([...deleted.keys()].sort()).toEqual([`${REGISTRY_PREFIX}pr-${B}/db`, `${REGISTRY_PREFIX}pr-${B}/web`]);
    expect(deregisteredAt - notFoundAt).toBeLessThan(1000);
    expect(await entryOf(`pr-${B}`, "web")).toBeUndefined();
    expect((await entryOf(`pr-${A}`, "web"))?.meta.sha).toBe(heads[A]);
    const a = viaEdge(host(A), HTTPS_PORT, caFile);
    expect(a.status).toBe(200);
    expect(a.body).toContain(`sha=${heads[A]}`);
  }, 120_000);
});
