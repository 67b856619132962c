// ServiceRegistry on etcd (v3 API through the etcd3 gRPC client). Every entry is written under one lease that this
// Berth keeps alive: when Berth dies its entries expire after the lease's TTL instead of lingering. A lost lease is
// granted again and the reconciliation pass re-registers what runs.
import { Etcd3, type Lease } from "etcd3";
import type { Logger } from "pino";
import type { RegistryChange, RegistryEntry, ServiceRegistry } from "../../ports/service-registry.js";
import { registryKeys } from "../../core/discovery/entries.js";

export function createEtcdRegistry(opts: { endpoints: string[]; leaseSeconds: number; log?: Logger }): ServiceRegistry {
  const client = new Etcd3({ hosts: opts.endpoints.map((e) => (e.includes("://") ? e : `http://${e}`)) });
  let lease: Lease | undefined;
  const currentLease = () => {
    if (lease) return lease;
    const fresh = client.lease(opts.leaseSeconds, { autoKeepAlive: true });
    fresh.on("lost", (err) => {
      opts.log?.warn({ err }, "etcd lease lost; the next registration takes a new one");
      if (lease === fresh) lease = undefined;
    });
    lease = fresh;
    return fresh;
  };
  const parse = (text: string): RegistryEntry | undefined => {
    try {
      return JSON.parse(text) as RegistryEntry;
    } catch {
      return undefined;
    }
  };

  return {
    backend: "etcd",
    async register(entries) {
      const l = currentLease();
      for (const e of entries)
        await l
          .put(registryKeys.service(e.meta.repository, e.meta.environment, e.meta.service))
          .value(JSON.stringify(e));
    },
    async deregisterEnvironment(repository, environment) {
      const prefix = registryKeys.environmentPrefix(repository, environment);
      const existing = await client.getAll().prefix(prefix).strings();
      await client.delete().prefix(prefix);
      return Object.values(existing).flatMap((v) => parse(v)?.id ?? []);
    },
    async list(name) {
      const all = await client.getAll().prefix(registryKeys.servicePrefix).strings();
      return Object.values(all)
        .flatMap((v) => parse(v) ?? [])
        .filter((e) => name === undefined || e.name === name)
        .sort((a, b) => a.id.localeCompare(b.id));
    },
    async watch(onChange: (change: RegistryChange) => void) {
      // The previous value says which entry a deletion removed (its id is not part of the key).
      const watcher = await client.watch().prefix(registryKeys.servicePrefix).withPreviousKV().create();
      watcher.on("put", (kv) => {
        const entry = parse(kv.value.toString());
        if (entry) onChange({ kind: "registered", id: entry.id, entry });
      });
      watcher.on("delete", (kv, previous) => {
        const entry = previous ? parse(previous.value.toString()) : undefined;
        const key = kv.key.toString().slice(registryKeys.servicePrefix.length);
        onChange(entry ? { kind: "deregistered", id: entry.id, entry } : { kind: "deregistered", id: key });
      });
      return async () => {
        await watcher.cancel();
      };
    },
    async values(repository, environment) {
      const prefix = registryKeys.valuesPrefix(repository, environment);
      const all = await client.getAll().prefix(prefix).strings();
      return Object.fromEntries(Object.entries(all).map(([k, v]) => [k.slice(prefix.length), v]));
    },
    async close() {
      // Entries stay until the lease's TTL runs out: another Berth (or this one restarted) takes over meanwhile.
      lease?.release();
      client.close();
    },
  };
}
