// The Consul registry through the `consul` client against the Consul stand-in (scripts/consul-stand-in/; the Consul
// binary cannot be installed here): the exact requests Berth makes (method, path, body) are read from the stand-in's
// record, the stand-in refuses malformed registrations as Consul does, and the keeper's reconciliation pass repairs
// a registry that missed a healthy environment and kept a torn-down one, then leaves a correct one alone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConsulStandIn, type ConsulStandIn } from "../../scripts/consul-stand-in/index.js";
import { createConsulRegistry } from "../../app/adapters/discovery/consul-registry.js";
import { registryEntries } from "../../app/core/discovery/entries.js";
import { parseDeployConfig } from "../../app/core/config/index.js";
import { reconcileRegistry } from "../../app/main/registry-keeper.js";
import type { JobDeps } from "../../app/jobs/deps.js";
import type { LiveEnvironment } from "../../app/ports/swarm.js";
import { waitFor } from "../../scripts/lib/wait-for.js";

const REPO = "acme/DiscConsul";
const SHA = "b".repeat(40);
const { config } = parseDeployConfig(
  "deploy-configs/discconsul.yml",
  [
    `repository: ${REPO}`,
    "app: discconsul",
    "template: web-service.yml",
    "ssh: { host: 127.0.0.1, user: berth, privateKeyPath: /k, hostKey: 'SHA256:abc' }",
    "routing: { mode: caddy, domain: edge.test }",
    "services:",
    "  web: { image: x, port: 8080, public: true, healthPath: /healthz }",
    "  worker: { image: y }",
  ].join("\n"),
  {},
);
const entriesFor = (pr: number) =>
  registryEntries({
    config: config!,
    stack: `discconsul-pr-${pr}`,
    environment: `pr-${pr}`,
    sha: SHA,
    url: `https://discconsul-pr-${pr}.edge.test`,
    services: ["web", "worker"],
  });

let consul: ConsulStandIn;
beforeAll(async () => {
  consul = await startConsulStandIn();
});
afterAll(async () => {
  await consul.close();
});
const since = (mark: number) => consul.requests.slice(mark).map((r) => ({ method: r.method, path: r.path }));

describe("Consul service registry (against the Consul stand-in)", () => {
  it("registers each service with its HTTP check, tags and Meta, and deregisters exactly one environment", async () => {
    const registry = createConsulRegistry({ url: consul.url });
    const mark = consul.requests.length;
    await registry.register([...entriesFor(1410), ...entriesFor(1411)]);
    const registrations = consul.requests.slice(mark);
    expect(registrations.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(
      Array(4).fill("PUT /v1/agent/service/register 200"),
    );
    expect(registrations[0]!.body).toEqual({
      ID: "discconsul-pr-1410_web",
      Name: "discconsul-web",
      Address: "discconsul-pr-1410_web",
      Port: 8080,
      Tags: ["berth", "pr-1410", "discconsul", "public"],
      Meta: {
        repository: REPO,
        environment: "pr-1410",
        sha: SHA,
        url: "https://discconsul-pr-1410.edge.test",
        stack: "discconsul-pr-1410",
        service: "web",
        check_http: "http://discconsul-pr-1410_web:8080/healthz",
        check_interval: "10s",
        check_timeout: "5s",
      },
      Check: {
        HTTP: "http://discconsul-pr-1410_web:8080/healthz",
        Interval: "10s",
        Timeout: "5s",
        DeregisterCriticalServiceAfter: "30m",
      },
    });
    // A service without a port gets no check (nothing to point it at).
    expect(registrations[1]!.body).toMatchObject({ ID: "discconsul-pr-1410_worker", Name: "discconsul-worker" });
    expect(registrations[1]!.body).not.toHaveProperty("Check");
    expect(registrations[1]!.body).not.toHaveProperty("Port");

    // Read back: the agent's list and the catalog by name give the same entries Berth registered.
    expect(await registry.list()).toEqual(
      [...entriesFor(1410), ...entriesFor(1411)].sort((a, b) => a.id.localeCompare(b.id)),
    );
    const mark2 = consul.requests.length;
    expect(await registry.list("discconsul-web")).toEqual([entriesFor(1410)[0], entriesFor(1411)[0]]);
    expect(since(mark2)).toEqual([{ method: "GET", path: "/v1/catalog/service/discconsul-web" }]);

    // Consul's own health view: the check is registered against the service (critical until Consul runs it).
    const health = (await (await fetch(`${consul.url}/v1/health/service/discconsul-web`)).json()) as {
      Service: { ID: string };
      Checks: { CheckID: string; Status: string; ServiceID: string }[];
    }[];
    expect(health.map((h) => [h.Service.ID, h.Checks.map((c) => `${c.CheckID} ${c.Status}`)])).toEqual([
      ["discconsul-pr-1410_web", ["service:discconsul-pr-1410_web critical"]],
      ["discconsul-pr-1411_web", ["service:discconsul-pr-1411_web critical"]],
    ]);

    const mark3 = consul.requests.length;
    const removed = await registry.deregisterEnvironment(REPO.toLowerCase(), "pr-1411");
    expect(removed).toEqual(["discconsul-pr-1411_web", "discconsul-pr-1411_worker"]);
    expect(since(mark3)).toEqual([
      { method: "GET", path: "/v1/agent/services" },
      { method: "PUT", path: "/v1/agent/service/deregister/discconsul-pr-1411_web" },
      { method: "PUT", path: "/v1/agent/service/deregister/discconsul-pr-1411_worker" },
    ]);
    expect((await registry.list()).map((e) => e.id)).toEqual(["discconsul-pr-1410_web", "discconsul-pr-1410_worker"]);
    await registry.deregisterEnvironment(REPO, "pr-1410");
    expect(await registry.list()).toEqual([]);
    await registry.close();
  });

  it("refuses malformed registrations with Consul's reasons, and Berth's client surfaces them", async () => {
    const put = async (body: string) => {
      const res = await fetch(`${consul.url}/v1/agent/service/register`, { method: "PUT", body });
      return `${res.status} ${await res.text()}`;
    };
    expect(await put("{not json")).toMatch(/^400 Request decode failed: /);
    expect(await put(JSON.stringify({ ID: "x" }))).toBe("400 Missing service name");
    expect(await put(JSON.stringify({ Name: "x", Port: "80" }))).toBe(
      "400 Request decode failed: json: cannot unmarshal string into Go struct field ServiceDefinition.Port of type int",
    );
    expect(await put(JSON.stringify({ Name: "x", Address: "0.0.0.0" }))).toBe("400 Invalid service address");
    expect(await put(JSON.stringify({ Name: "x", Meta: { "bad key": "v" } }))).toMatch(
      /^400 Invalid Service Meta: Couldn't load metadata pair \('bad key', 'v'\)/,
    );
    expect(await put(JSON.stringify({ Name: "x", Check: { HTTP: "http://x/" } }))).toBe(
      "400 Invalid check: Interval must be > 0 for Script, HTTP, or TCP checks",
    );
    expect(await put(JSON.stringify({ Name: "x", Check: { HTTP: "http://x/", Interval: "ten" } }))).toBe(
      '400 Request decode failed: time: invalid duration "ten"',
    );
    // snake_case and any case decode as in Consul.
    expect(await put(JSON.stringify({ name: "disc-snake", check: { http: "http://x/", interval: "5s" } }))).toBe(
      "200 ",
    );
    await fetch(`${consul.url}/v1/agent/service/deregister/disc-snake`, { method: "PUT" });

    const registry = createConsulRegistry({ url: consul.url });
    const [entry] = entriesFor(1412);
    await expect(registry.register([{ ...entry!, meta: { ...entry!.meta, sha: "x".repeat(600) } }])).rejects.toThrow(
      /Value is too long/,
    );
    await registry.close();
  });

  it("reconciles with what runs: registers a missed healthy environment (not a converging one), removes a gone one, then changes nothing", async () => {
    const registry = createConsulRegistry({ url: consul.url });
    await registry.register(entriesFor(1413)); // torn down while Berth was away
    const live: LiveEnvironment[] = [
      {
        environment: "pr-1414",
        stack: "discconsul-pr-1414",
        sha: SHA,
        services: ["web", "worker"].map((service) => ({ service }) as LiveEnvironment["services"][number]),
      },
    ];
    // pr-1414 runs healthy; pr-1417 was just deployed and is still converging (its job registers it when healthy).
    const converging: LiveEnvironment = { ...live[0]!, environment: "pr-1417", stack: "discconsul-pr-1417" };
    const status = (stack: string) =>
      ["web", "worker"].map((service) => ({
        service,
        fullName: `${stack}_${service}`,
        image: "x",
        desired: 1,
        running: stack === converging.stack ? 0 : 1,
        updateState: stack === converging.stack ? "updating" : "completed",
      }));
    const deps = {
      configs: { all: async () => [{ file: config!.file, config: config! }] },
      swarmFor: () => ({
        liveEnvironments: async () => [...live, converging],
        stackServices: async (stack: string) => status(stack),
      }),
    } as unknown as JobDeps;

    const mark = consul.requests.length;
    expect(await reconcileRegistry(deps, registry)).toEqual({ added: 2, removed: 2 });
    const writes = consul.requests.slice(mark).filter((r) => r.method === "PUT");
    expect(writes.map((r) => r.path)).toEqual([
      "/v1/agent/service/register",
      "/v1/agent/service/register",
      "/v1/agent/service/deregister/discconsul-pr-1413_web",
      "/v1/agent/service/deregister/discconsul-pr-1413_worker",
    ]);
    expect(writes.slice(0, 2).map((r) => (r.body as { ID: string }).ID)).toEqual([
      "discconsul-pr-1414_web",
      "discconsul-pr-1414_worker",
    ]);
    expect(await registry.list()).toEqual(entriesFor(1414));
    expect(writes.some((r) => JSON.stringify(r.body ?? "").includes("pr-1417"))).toBe(false);

    // What Consul hands back compares equal to what runs: a second pass writes nothing.
    const mark2 = consul.requests.length;
    expect(await reconcileRegistry(deps, registry)).toEqual({ added: 0, removed: 0 });
    expect(consul.requests.slice(mark2).filter((r) => r.method !== "GET")).toEqual([]);
    await registry.deregisterEnvironment(REPO, "pr-1414");
    await registry.close();
  });

  it("reports registrations and removals to a watcher through blocking catalog queries", async () => {
    const registry = createConsulRegistry({ url: consul.url, watchWait: "2s" });
    const seen: string[] = [];
    const stop = await registry.watch((c) => seen.push(`${c.kind} ${c.id}`));
    await registry.register(entriesFor(1415).slice(0, 1));
    await waitFor("the registration", () => (seen.length >= 1 ? true : undefined), 5_000, 20);
    await registry.deregisterEnvironment(REPO, "pr-1415");
    await waitFor("both changes", () => (seen.length >= 2 ? true : undefined), 5_000, 20);
    expect(seen).toEqual(["registered discconsul-pr-1415_web", "deregistered discconsul-pr-1415_web"]);
    const blocking = consul.requests.filter((r) => r.path === "/v1/catalog/services" && r.query.index);
    expect(blocking.length).toBeGreaterThanOrEqual(2);
    expect(blocking[0]!.query.wait).toBe("2s");
    await stop();
    await registry.close();
  });

  it("reads an environment's configuration values from the KV store, and KV blocking queries wait for a change", async () => {
    const prefix = `berth/${REPO.toLowerCase()}/pr-1416/`;
    for (const [k, v] of Object.entries({ DB_HOST: "db.internal", "feature.flag": "on" }))
      expect(await (await fetch(`${consul.url}/v1/kv/${prefix}${k}`, { method: "PUT", body: v })).json()).toBe(true);
    const registry = createConsulRegistry({ url: consul.url });
    const mark = consul.requests.length;
    expect(await registry.values(REPO, "pr-1416")).toEqual({ DB_HOST: "db.internal", "feature.flag": "on" });
    expect(consul.requests.slice(mark).map((r) => [r.method, r.path, r.query])).toEqual([
      ["GET", `/v1/kv/${prefix}`, { recurse: "true" }],
    ]);
    expect(await registry.values(REPO, "pr-1499")).toEqual({});

    const first = await fetch(`${consul.url}/v1/kv/${prefix}DB_HOST`);
    const pair = ((await first.json()) as { Key: string; Value: string; ModifyIndex: number }[])[0]!;
    expect(Buffer.from(pair.Value, "base64").toString()).toBe("db.internal");
    const index = first.headers.get("x-consul-index");
    expect(Number(index)).toBe(pair.ModifyIndex);
    const started = Date.now();
    const blocked = fetch(`${consul.url}/v1/kv/${prefix}DB_HOST?index=${index}&wait=5s`);
    await new Promise((r) => setTimeout(r, 300));
    await fetch(`${consul.url}/v1/kv/${prefix}DB_HOST`, { method: "PUT", body: "db2.internal" });
    const woke = await blocked;
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(Number(woke.headers.get("x-consul-index"))).toBeGreaterThan(Number(index));
    const [changed] = (await woke.json()) as { Value: string }[];
    expect(Buffer.from(changed!.Value, "base64").toString()).toBe("db2.internal");
    // A blocking query with nothing changing answers when its wait runs out, with the same index.
    const idle = await fetch(
      `${consul.url}/v1/kv/${prefix}DB_HOST?index=${woke.headers.get("x-consul-index")}&wait=200ms`,
    );
    expect(idle.headers.get("x-consul-index")).toBe(woke.headers.get("x-consul-index"));
    expect(await (await fetch(`${consul.url}/v1/kv/${prefix}?recurse`, { method: "DELETE" })).json()).toBe(true);
    expect((await fetch(`${consul.url}/v1/kv/${prefix}DB_HOST`)).status).toBe(404);
    await registry.close();
  });
});
