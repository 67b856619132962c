// `berth discovery list|find|watch` against the real etcd (127.0.0.1:27379, written and read back with etcd3) and
// the Consul stand-in, and {{kv.<name>}} values read from real etcd: by the job's reader (kvValuesFor) and by
// `berth render`, which reports a missing key with the template's file:line.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Etcd3 } from "etcd3";
import { cli } from "../../app/main/cli.js";
import { createEtcdRegistry } from "../../app/adapters/discovery/etcd-registry.js";
import { createConsulRegistry } from "../../app/adapters/discovery/consul-registry.js";
import { registryEntries } from "../../app/core/discovery/entries.js";
import { parseDeployConfig } from "../../app/core/config/index.js";
import { previewEnvironment } from "../../app/core/environment.js";
import { createFileConfigSource } from "../../app/adapters/config/file-config-source.js";
import { kvValuesFor } from "../../app/jobs/kv-values.js";
import type { ServiceRegistry } from "../../app/ports/service-registry.js";
import { startConsulStandIn, type ConsulStandIn } from "../../scripts/consul-stand-in/index.js";
import { waitFor } from "../../scripts/lib/wait-for.js";
import { infraEnv } from "../helpers/infra.js";

const run = promisify(execFile);
const ENDPOINT = infraEnv().BERTH_ETCD_ENDPOINTS ?? "127.0.0.1:27379";
const etcd = new Etcd3({ hosts: `http://${ENDPOINT}` });
const REPO = `acme/disccli${process.pid}`;
const SHA = "c".repeat(40);
const dir = mkdtempSync(join(tmpdir(), "berth-disc-cli-"));
const CONFIG = [
  `repository: ${REPO}`,
  "app: disccli",
  "template: kv.yml",
  "ssh: { host: 127.0.0.1, user: berth, privateKeyPath: /k, hostKey: 'SHA256:abc' }",
  "routing: { mode: host-port, domain: preview.localhost, previewPortBase: 27300 }",
  "services:",
  "  web: { image: x, port: 8080, public: true, healthPath: /healthz }",
  "  worker: { image: y }",
].join("\n");
const TEMPLATE = [
  "services:",
  "  web:",
  "    image: x",
  "    environment:",
  '      - "DB_HOST={{kv.DB_HOST}}"',
  '      - "FLAG={{kv.features/search}}"',
  "  worker:",
  "    image: y",
].join("\n");
writeFileSync(join(dir, "disccli.yml"), CONFIG);
writeFileSync(join(dir, "kv.yml"), TEMPLATE);
const { config } = parseDeployConfig("disccli.yml", CONFIG, {});
const entriesFor = (pr: number) =>
  registryEntries({
    config: config!,
    stack: `disccli-pr-${pr}`,
    environment: `pr-${pr}`,
    sha: SHA,
    url: `http://disccli-pr-${pr}.preview.localhost`,
    services: ["web", "worker"],
  });
const servicePrefix = `berth/services/${REPO}/`;
const valuesPrefix = `berth/${REPO}/`;

let consul: ConsulStandIn;
beforeAll(async () => {
  consul = await startConsulStandIn();
});
afterAll(async () => {
  await etcd.delete().prefix(servicePrefix);
  await etcd.delete().prefix(valuesPrefix);
  etcd.close();
  await consul.close();
  rmSync(dir, { recursive: true, force: true });
});

async function berth(argv: string[], env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await cli(
    argv,
    env,
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const backends: [string, () => Record<string, string>, () => ServiceRegistry][] = [
  [
    "etcd",
    () => ({ BERTH_DISCOVERY: "etcd", BERTH_ETCD_ENDPOINTS: ENDPOINT }),
    () => createEtcdRegistry({ endpoints: [ENDPOINT], leaseSeconds: 30 }),
  ],
  [
    "consul (stand-in)",
    () => ({ BERTH_DISCOVERY: "consul", BERTH_CONSUL_URL: consul.url }),
    () => createConsulRegistry({ url: consul.url, watchWait: "2s" }),
  ],
];

describe.each(backends)("berth discovery on %s", (name, envOf, registryOf) => {
  it("lists and finds what Berth registered, with filters, and exits 1 when nothing matches", async () => {
    const env = envOf();
    const registry = registryOf();
    await registry.register([...entriesFor(1420), ...entriesFor(1421)]);

    const list = await berth(["discovery", "list", "--repository", REPO, "--json"], env);
    expect(list.code).toBe(0);
    const listed = JSON.parse(list.out) as { ok: boolean; backend: string; entries: { id: string }[] };
    expect(listed.backend).toBe(name.split(" ")[0]);
    expect(listed.entries.map((e) => e.id)).toEqual([
      "disccli-pr-1420_web",
      "disccli-pr-1420_worker",
      "disccli-pr-1421_web",
      "disccli-pr-1421_worker",
    ]);

    const find = await berth(["discovery", "find", "disccli-web", "--environment", "pr-1421"], env);
    expect(find.code).toBe(0);
    expect(find.out.split("\n")).toEqual([
      "NAME  ID  ADDRESS  REPOSITORY  ENVIRONMENT  SHA  URL",
      `disccli-web  disccli-pr-1421_web  disccli-pr-1421_web:8080  ${REPO}  pr-1421  ccccccc  http://disccli-pr-1421.preview.localhost`,
    ]);
    // The short service name finds the same entries when no entry has that name.
    const short = await berth(["discovery", "find", "worker", "--repository", REPO, "--json"], env);
    expect((JSON.parse(short.out) as { entries: { id: string }[] }).entries.map((e) => e.id)).toEqual([
      "disccli-pr-1420_worker",
      "disccli-pr-1421_worker",
    ]);
    const none = await berth(["discovery", "find", "disccli-web", "--environment", "pr-1449"], env);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/no registered service disccli-web/);

    await registry.deregisterEnvironment(REPO, "pr-1420");
    await registry.deregisterEnvironment(REPO, "pr-1421");
    const empty = await berth(["discovery", "list", "--repository", REPO], env);
    expect([empty.code, empty.out]).toEqual([0, `no entries in ${name.split(" ")[0]}`]);
    await registry.close();
  });

  it("watch streams registrations and removals until --count", async () => {
    const env = envOf();
    const registry = registryOf();
    const out: string[] = [];
    const err: string[] = [];
    const watching = cli(
      ["discovery", "watch", "--repository", REPO, "--count", "3", "--timeout", "30", "--json"],
      env,
      (l) => out.push(l),
      (l) => err.push(l),
    );
    await waitFor("the watch to start", () => (err.some((l) => l.includes("watching")) ? true : undefined), 15_000, 20);
    await registry.register(entriesFor(1422));
    await registry.deregisterEnvironment(REPO, "pr-1422");
    expect(await watching).toBe(0);
    const changes = out.map((l) => JSON.parse(l) as { kind: string; id: string });
    expect(changes.map((c) => `${c.kind} ${c.id}`)).toEqual([
      "registered disccli-pr-1422_web",
      "registered disccli-pr-1422_worker",
      // Either removal may come first (Consul: one diff; etcd: one prefix delete).
      expect.stringMatching(/^deregistered disccli-pr-1422_(web|worker)$/),
    ]);
    await registry.close();
  }, 60_000);
});

describe("berth discovery usage", () => {
  it("wrong usage exits 2 with the usage line; no registry configured exits 1 saying what to set", async () => {
    for (const argv of [
      ["discovery", "frob"],
      ["discovery", "find"],
      ["discovery", "list", "extra"],
      ["discovery", "list", "--count", "2"],
      ["discovery", "watch", "--count", "0"],
      ["discovery", "list", "--repository", "not a repo"],
    ]) {
      const r = await berth(argv, {});
      expect([argv.join(" "), r.code]).toEqual([argv.join(" "), 2]);
      expect(r.err).toMatch(/usage: berth discovery list\|find <service>\|watch/);
    }
    const unset = await berth(["discovery", "list"], {});
    expect([unset.code, unset.err]).toEqual([
      1,
      "berth discovery: no service registry configured: set BERTH_DISCOVERY=etcd with BERTH_ETCD_ENDPOINTS, or BERTH_DISCOVERY=consul with BERTH_CONSUL_URL",
    ]);
    const bad = await berth(["discovery", "list"], { BERTH_DISCOVERY: "consul", BERTH_CONSUL_URL: "consul:8500/x" });
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/BERTH_CONSUL_URL="consul:8500\/x" must be the agent's http\(s\):\/\/host:port/);
    const help = await berth(["discovery", "--help"], {});
    expect([help.code, help.out]).toEqual([0, expect.stringContaining("watch: one line per registration or removal")]);
  });

  it("the installed entry point lists from the Consul stand-in and exits", async () => {
    const registry = createConsulRegistry({ url: consul.url });
    await registry.register(entriesFor(1423).slice(0, 1));
    const { stdout } = await run("node", ["bin/berth.js", "discovery", "list", "--json"], {
      env: { ...process.env, BERTH_DISCOVERY: "consul", BERTH_CONSUL_URL: consul.url },
      timeout: 60_000,
    });
    expect((JSON.parse(stdout) as { entries: { id: string }[] }).entries.map((e) => e.id)).toEqual([
      "disccli-pr-1423_web",
    ]);
    expect(consul.requests.at(-1)).toMatchObject({ method: "GET", path: "/v1/agent/services", status: 200 });
    await registry.deregisterEnvironment(REPO, "pr-1423");
    await registry.close();
  }, 90_000);
});

describe("{{kv.<name>}} values from real etcd", () => {
  it("the job's reader returns the environment's values, only when referenced", async () => {
    await etcd.put(`${valuesPrefix}pr-1424/DB_HOST`).value("db.internal");
    await etcd.put(`${valuesPrefix}pr-1424/features/search`).value("on");
    await etcd.put(`${valuesPrefix}pr-1425/DB_HOST`).value("other-env");
    const registry = createEtcdRegistry({ endpoints: [ENDPOINT], leaseSeconds: 30 });
    const configs = createFileConfigSource({ configDir: dir, templatesDir: dir, variables: {} });
    expect(await kvValuesFor({ configs, registry }, config!, previewEnvironment("disccli", 1424))).toEqual({
      prefix: `${valuesPrefix.toLowerCase()}pr-1424/`,
      values: { DB_HOST: "db.internal", "features/search": "on" },
      backend: "etcd",
    });
    // A config whose template references nothing never asks the registry.
    const plain = { ...config!, template: "plain.yml" };
    writeFileSync(join(dir, "plain.yml"), "services:\n  web:\n    image: x\n  worker:\n    image: y\n");
    await registry.close();
    const closed = createEtcdRegistry({ endpoints: ["127.0.0.1:1"], leaseSeconds: 30 });
    expect(await kvValuesFor({ configs, registry: closed }, plain, previewEnvironment("disccli", 1424))).toBe(
      undefined,
    );
    await closed.close();
  });

  it("berth render substitutes them, and names the missing key with the template's file:line", async () => {
    const env = { BERTH_DISCOVERY: "etcd", BERTH_ETCD_ENDPOINTS: ENDPOINT };
    const args = (pr: number) => [
      "render",
      REPO,
      `pr-${pr}`,
      "--sha",
      SHA,
      "--config-dir",
      dir,
      "--templates-dir",
      dir,
    ];
    const ok = await berth(args(1424), env);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain("DB_HOST: db.internal");
    expect(ok.out).toContain("FLAG: on");
    const missing = await berth(args(1425), env);
    expect(missing.code).toBe(1);
    const line = TEMPLATE.split("\n").findIndex((l) => l.includes("features/search")) + 1;
    expect(missing.err).toContain(`${relative(process.cwd(), join(dir, "kv.yml"))}:${line}:`);
    expect(missing.err).toContain(
      `{{kv.features/search}}: key ${valuesPrefix.toLowerCase()}pr-1425/features/search is not in the etcd KV store`,
    );
    const noRegistry = await berth(args(1424), {});
    expect(noRegistry.code).toBe(1);
    expect(noRegistry.err).toContain("set BERTH_DISCOVERY (etcd or consul)");
    expect(readFileSync(join(dir, "kv.yml"), "utf8")).toBe(TEMPLATE);
  });
});
