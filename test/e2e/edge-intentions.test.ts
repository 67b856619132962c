// Intentions as networks on the real Swarm, through the bot process: a preview of three services (web public behind
// the Caddy edge, api, db) whose config allows web → api and api → db and denies the rest. Probed from inside the
// tasks with busybox, by service name and by on-link address only (FACTS: an off-link address would leave the
// machine): the allowed pairs connect, the denied pair (web ↔ db) can neither resolve the other's name nor has its
// address on any link; the edge still reaches web and nothing else; no service is on the shared stack network. A
// push after the intentions changed (web → db allowed, web → api no longer) moves the running services' networks.
// Apps intent*, PR 1321, ports 27230-27231.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { waitForFinalDeploymentStatus } from "../../scripts/demo/recorded.js";
import { loadPayload } from "../fixtures/webhooks/index.js";
import { LOCAL_SSH_YAML } from "../../scripts/lib/local-config.js";
import { docker, sha, startPolicyBot, type PolicyBot } from "../helpers/policies-bot.js";
import { edgeContainer, edgeRootFile, viaEdge } from "../helpers/edge.js";

const EDGE = `intente2e${process.pid}`;
const HTTPS_PORT = 27230;
const PR = 1321;
const STACK = `intentapp-pr-${PR}`;
const HOST = `${STACK}.edge.test`;
const HEAD = sha();
let bot: PolicyBot;

// Three copies of the test web service (each answers its BERTH_SHA on 8080), health-checked like web-service.yml.
const service = (name: string) => `  ${name}:
    image: berth-test-web:1
    healthcheck:
      test: ["CMD", "busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"]
      interval: 2s
      timeout: 3s
      retries: 3
`;
const TEMPLATE = `version: "3.8"\nservices:\n${["web", "api", "db"].map(service).join("")}`;

const configWith = (intentions: string[]) =>
  [
    "repository: acme/intentapp",
    "app: intentapp",
    "template: intent-three.yml",
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
    "  web: { image: '${BERTH_TEST_IMAGE}', public: true, port: 8080, healthPath: /healthz }",
    "  api: { image: '${BERTH_TEST_IMAGE}', port: 8080 }",
    "  db: { image: '${BERTH_TEST_IMAGE}', port: 8080 }",
    "intentions:",
    ...intentions,
    "",
  ].join("\n");
const CONFIG = configWith([
  "  - { source: web, destination: api, action: allow, description: the site calls the API }",
  "  - { source: api, destination: db, action: allow, description: the API owns the data }",
  "  - { source: '*', destination: '*', action: deny, description: nothing else talks }",
]);

beforeAll(async () => {
  bot = await startPolicyBot({ intentapp: CONFIG }, {}, { "intent-three.yml": TEMPLATE });
  const mark = bot.github.requests.length;
  await bot.send(
    "pull_request",
    loadPayload("pull_request.opened", { repository: "acme/intentapp", number: PR, headSha: HEAD }),
  );
  const final = await waitForFinalDeploymentStatus(bot.github, mark, 300_000);
  expect(final.state, JSON.stringify(final)).toBe("success");
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
        await new Promise((r) => setTimeout(r, 1000)); // the edge's task and the stack leave the network first
      }
    }
  }
});

const containerOf = (name: string) => {
  const id = docker("ps", "-q", "--filter", `label=com.docker.swarm.service.name=${STACK}_${name}`).split("\n")[0];
  if (!id) throw new Error(`no running task of ${STACK}_${name}`);
  return id;
};
function inContainer(container: string, ...args: string[]): { ok: boolean; out: string } {
  try {
    return { ok: true, out: docker("exec", container, "busybox", ...args) };
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer };
    return { ok: false, out: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}
const fetchFrom = (container: string, url: string) =>
  inContainer(container, "timeout", "3", "wget", "-q", "-O", "-", url);
const pairNetwork = (a: string, b: string) => `${STACK}_berth_pair_${a}_${b}`;
/** The task's address on one network of its own (as `docker inspect` records it). */
const addressOn = (container: string, network: string): string => {
  const networks = JSON.parse(docker("inspect", container, "--format", "{{json .NetworkSettings.Networks}}"));
  const ip = networks[network]?.IPAddress as string | undefined;
  if (!ip) throw new Error(`${container} has no address on ${network}: ${Object.keys(networks).join(", ")}`);
  return ip;
};
const onLink = (container: string, ip: string) => {
  const route = inContainer(container, "ip", "route", "get", ip);
  expect(route.ok, route.out).toBe(true);
  return !route.out.includes(" via ");
};

describe("intentions as networks on the real Swarm", () => {
  it("creates one network per allowed pair and puts no service on the shared stack network", () => {
    const members = (network: string) =>
      docker("network", "inspect", network, "--format", "{{range .Containers}}{{.Name}} {{end}}");
    expect(members(pairNetwork("api", "web"))).toMatch(
      new RegExp(`${STACK}_api\\..*${STACK}_web\\.|${STACK}_web\\..*${STACK}_api\\.`),
    );
    expect(members(pairNetwork("api", "db"))).toContain(`${STACK}_db.`);
    expect(members(pairNetwork("api", "db"))).not.toContain(`${STACK}_web.`);
    expect(members(pairNetwork("api", "web"))).not.toContain(`${STACK}_db.`);
    expect(
      JSON.parse(docker("network", "inspect", pairNetwork("api", "db"), "--format", "{{json .Labels}}")),
    ).toMatchObject({ "berth.intention.pair": "api,db", "berth.environment": `pr-${PR}` });
    const stackNetworks = docker(
      "network",
      "ls",
      "--filter",
      `label=berth.environment=pr-${PR}`,
      "--format",
      "{{.Name}}",
    )
      .split("\n")
      .filter((n) => n.startsWith(`${STACK}_`))
      .sort();
    expect(stackNetworks).toEqual([pairNetwork("api", "db"), pairNetwork("api", "web")]);
  });

  it("lets allowed pairs connect by service name and by on-link address", () => {
    const web = containerOf("web");
    const api = containerOf("api");
    for (const [from, to] of [
      [web, "api"],
      [api, "db"],
      [api, "web"], // networks have no direction: the pair connects both ways (documented)
    ] as const) {
      expect(fetchFrom(from, `http://${to}:8080/`)).toEqual({ ok: true, out: `berth-test-web sha=${HEAD}` });
      expect(fetchFrom(from, `http://${STACK}_${to}:8080/`).ok).toBe(true);
    }
    const apiAddress = addressOn(api, pairNetwork("api", "web"));
    expect(onLink(web, apiAddress)).toBe(true);
    expect(fetchFrom(web, `http://${apiAddress}:8080/`)).toEqual({ ok: true, out: `berth-test-web sha=${HEAD}` });
    const dbAddress = addressOn(containerOf("db"), pairNetwork("api", "db"));
    expect(onLink(api, dbAddress)).toBe(true);
    expect(fetchFrom(api, `http://${dbAddress}:8080/`).ok).toBe(true);
  });

  it("keeps the denied pair apart: neither name resolves and neither address is on any link of the other", () => {
    const web = containerOf("web");
    const db = containerOf("db");
    for (const [from, to] of [
      [web, "db"],
      [db, "web"],
    ] as const) {
      for (const name of [to, `${STACK}_${to}`]) {
        const r = fetchFrom(from, `http://${name}:8080/`);
        expect(r.ok).toBe(false);
        expect(r.out).toMatch(/bad address/);
      }
    }
    // Every address db has is off-link for web, and the other way round: no packet could reach it directly.
    const addresses = (c: string) =>
      Object.values(
        JSON.parse(docker("inspect", c, "--format", "{{json .NetworkSettings.Networks}}")) as {
          IPAddress: string;
        }[],
      )
        .map((n) => n.IPAddress)
        .filter(Boolean);
    for (const ip of addresses(db)) expect(onLink(web, ip), `db's ${ip} from web`).toBe(false);
    // web's edge-network address is on-link only for tasks on the edge network, which db is not.
    for (const ip of addresses(web)) expect(onLink(db, ip), `web's ${ip} from db`).toBe(false);
  });

  it("still routes the public service through the edge, and the edge reaches nothing else", () => {
    const caFile = edgeRootFile(EDGE);
    const answer = viaEdge(HOST, HTTPS_PORT, caFile);
    expect(answer.status, answer.body).toBe(200);
    expect(answer.body).toContain(`sha=${HEAD}`);
    const edge = edgeContainer(EDGE)!;
    expect(fetchFrom(edge, `http://${STACK}_web:8080/healthz`).ok).toBe(true);
    for (const other of ["api", "db"]) {
      const r = fetchFrom(edge, `http://${STACK}_${other}:8080/healthz`);
      expect(r.ok).toBe(false);
      expect(r.out).toMatch(/bad address/);
    }
  });

  it("moves the running services onto the new pairs' networks when the intentions change", async () => {
    writeFileSync(
      join(bot.configDir, "intentapp.yml"),
      configWith([
        "  - { source: web, destination: db, action: allow }",
        "  - { source: api, destination: db, action: allow }",
      ]),
    );
    const next = sha();
    const mark = bot.github.requests.length;
    await bot.send(
      "pull_request",
      loadPayload("pull_request.synchronize", { repository: "acme/intentapp", number: PR, headSha: next }),
    );
    const final = await waitForFinalDeploymentStatus(bot.github, mark, 300_000);
    expect(final.state, JSON.stringify(final)).toBe("success");
    const web = containerOf("web");
    expect(fetchFrom(web, "http://db:8080/")).toEqual({ ok: true, out: `berth-test-web sha=${next}` });
    const api = fetchFrom(web, "http://api:8080/");
    expect(api.ok).toBe(false);
    expect(api.out).toMatch(/bad address/);
    const networks = Object.keys(
      JSON.parse(docker("inspect", web, "--format", "{{json .NetworkSettings.Networks}}")) as Record<string, unknown>,
    ).sort();
    expect(networks).toEqual([EDGE, pairNetwork("db", "web")].sort());
  }, 400_000);
});
