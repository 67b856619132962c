// The etcd registry against the real etcd up.sh starts (127.0.0.1:27379), read back with the etcd3 client itself:
// entries land under berth/services/<repository>/<environment>/<service>, a teardown removes one environment's,
// and the entries of a Berth that stops keeping its lease alive expire with the lease.
import { afterAll, describe, expect, it } from "vitest";
import { Etcd3 } from "etcd3";
import { createEtcdRegistry } from "../../app/adapters/discovery/etcd-registry.js";
import { registryEntries } from "../../app/core/discovery/entries.js";
import { parseDeployConfig } from "../../app/core/config/index.js";
import { waitFor } from "../../scripts/lib/wait-for.js";

const ENDPOINT = process.env.BERTH_ETCD_ENDPOINTS ?? "127.0.0.1:27379";
const etcd = new Etcd3({ hosts: `http://${ENDPOINT}` });
const REPO = `acme/discreg${process.pid}`;
const { config } = parseDeployConfig(
  "deploy-configs/disc.yml",
  [
    `repository: ${REPO}`,
    "app: discreg",
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
    stack: `discreg-pr-${pr}`,
    environment: `pr-${pr}`,
    sha: "a".repeat(40),
    url: `https://discreg-pr-${pr}.edge.test`,
    services: ["web", "worker"],
  });
const prefix = `berth/services/${REPO}/`;

afterAll(async () => {
  await etcd.delete().prefix(prefix);
  etcd.close();
});

describe("etcd service registry", () => {
  it("registers an environment's services with their metadata and check, and removes exactly one environment", async () => {
    const registry = createEtcdRegistry({ endpoints: [ENDPOINT], leaseSeconds: 30 });
    await registry.register([...entriesFor(1401), ...entriesFor(1402)]);
    const stored = await etcd.getAll().prefix(prefix).strings();
    expect(Object.keys(stored).sort()).toEqual([
      `${prefix}pr-1401/web`,
      `${prefix}pr-1401/worker`,
      `${prefix}pr-1402/web`,
      `${prefix}pr-1402/worker`,
    ]);
    expect(JSON.parse(stored[`${prefix}pr-1401/web`]!)).toEqual({
      id: "discreg-pr-1401_web",
      name: "discreg-web",
      address: "discreg-pr-1401_web",
      port: 8080,
      tags: ["berth", "pr-1401", "discreg", "public"],
      meta: {
        repository: REPO,
        environment: "pr-1401",
        sha: "a".repeat(40),
        url: "https://discreg-pr-1401.edge.test",
        stack: "discreg-pr-1401",
        service: "web",
      },
      check: { http: "http://discreg-pr-1401_web:8080/healthz", intervalSeconds: 10, timeoutSeconds: 5 },
    });
    expect((await registry.list("discreg-web")).map((e) => e.id)).toEqual(
      expect.arrayContaining(["discreg-pr-1401_web", "discreg-pr-1402_web"]),
    );
    const removed = await registry.deregisterEnvironment(REPO, "pr-1402");
    expect(removed.sort()).toEqual(["discreg-pr-1402_web", "discreg-pr-1402_worker"]);
    expect(Object.keys(await etcd.getAll().prefix(prefix).strings()).sort()).toEqual([
      `${prefix}pr-1401/web`,
      `${prefix}pr-1401/worker`,
    ]);
    await registry.deregisterEnvironment(REPO, "pr-1401");
    await registry.close();
  });

  it("lets a dead Berth's entries expire with its lease", async () => {
    const registry = createEtcdRegistry({ endpoints: [ENDPOINT], leaseSeconds: 5 });
    await registry.register(entriesFor(1403));
    const key = `${prefix}pr-1403/web`;
    expect(await etcd.get(key).string()).not.toBeNull();
    const lease = (await etcd.get(key).exec()).kvs[0]!.lease;
    expect(lease).not.toBe("0");
    await registry.close(); // stops the keep-alive, as a crash would
    await waitFor(
      "the entry to expire with the lease",
      async () => (await etcd.get(key).string()) === null || undefined,
      30_000,
      250,
    );
  }, 60_000);

  it("reports registrations and removals to a watcher", async () => {
    const registry = createEtcdRegistry({ endpoints: [ENDPOINT], leaseSeconds: 30 });
    const seen: string[] = [];
    const stop = await registry.watch((c) => seen.push(`${c.kind} ${c.id}`));
    await registry.register(entriesFor(1404).slice(0, 1));
    await registry.deregisterEnvironment(REPO, "pr-1404");
    await waitFor("both changes", () => (seen.length >= 2 ? seen : undefined), 10_000, 50);
    expect(seen).toEqual(["registered discreg-pr-1404_web", "deregistered discreg-pr-1404_web"]);
    await stop();
    await registry.close();
  });
});
