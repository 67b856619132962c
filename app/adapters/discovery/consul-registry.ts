// ServiceRegistry on Consul's HTTP API through the `consul` client: each service is registered with the local agent
// (PUT /v1/agent/service/register) with an HTTP check at the service itself, so Consul's own health view follows the
// service; lookups by name read the catalog; configuration values come from the KV store. Consul has no lease:
// a Berth that dies leaves its registrations, which the reconciliation pass of the next Berth corrects (and a check
// critical for long enough deregisters the service in Consul itself).
import { EventEmitter } from "node:events";
import Consul from "consul";
import type { Logger } from "pino";
import type { RegistryChange, RegistryEntry, ServiceRegistry } from "../../ports/service-registry.js";
import { registryKeys } from "../../core/discovery/entries.js";
import { consulRegistration, entryFromConsul, type ConsulService } from "../../core/discovery/consul-service.js";

interface AgentService {
  ID: string;
  Service: string;
  Address?: string;
  Port?: number;
  Tags?: string[] | null;
  Meta?: Record<string, string> | null;
}
interface CatalogService {
  ServiceID: string;
  ServiceName: string;
  ServiceAddress?: string;
  ServicePort?: number;
  ServiceTags?: string[] | null;
  ServiceMeta?: Record<string, string> | null;
}

const fromAgent = (s: AgentService): ConsulService => ({
  id: s.ID,
  name: s.Service,
  address: s.Address ?? "",
  port: s.Port ?? 0,
  tags: s.Tags ?? [],
  meta: s.Meta ?? {},
});
const fromCatalog = (s: CatalogService): ConsulService => ({
  id: s.ServiceID,
  name: s.ServiceName,
  address: s.ServiceAddress ?? "",
  port: s.ServicePort ?? 0,
  tags: s.ServiceTags ?? [],
  meta: s.ServiceMeta ?? {},
});

export function createConsulRegistry(opts: {
  url: string;
  token?: string;
  /** Longest a watch's blocking query waits before asking again (Consul's `wait`). */
  watchWait?: string;
  log?: Logger;
}): ServiceRegistry {
  const base = new URL(opts.url);
  const consul = new Consul({
    host: base.hostname,
    port: Number(base.port || (base.protocol === "https:" ? 443 : 8500)),
    secure: base.protocol === "https:",
    ...(opts.token ? { defaults: { token: opts.token } } : {}),
  });
  // Consul explains a refusal in the response body; the client keeps it only when asked (includeResponse).
  const withReason = async <T>(what: string, call: (ctx: EventEmitter) => Promise<T>): Promise<T> => {
    try {
      return await call(Object.assign(new EventEmitter(), { includeResponse: true }));
    } catch (err) {
      const res = (err as { response?: { statusCode?: number; body?: unknown } }).response;
      if (!res) throw err;
      const body = Buffer.isBuffer(res.body) ? res.body.toString() : String(res.body ?? "");
      throw new Error(`Consul refused ${what}: HTTP ${res.statusCode} ${body || (err as Error).message}`, {
        cause: err,
      });
    }
  };
  const sameEnvironment = (e: RegistryEntry, repository: string, environment: string) =>
    e.meta.repository.toLowerCase() === repository.toLowerCase() && e.meta.environment === environment;

  const listAll = async (): Promise<RegistryEntry[]> => {
    const services = (await consul.agent.service.list()) as Record<string, AgentService>;
    return Object.values(services)
      .flatMap((s) => entryFromConsul(fromAgent(s)) ?? [])
      .sort((a, b) => a.id.localeCompare(b.id));
  };

  return {
    backend: "consul",
    async register(entries) {
      for (const e of entries)
        await withReason(`the registration of ${e.id}`, (ctx) =>
          consul.agent.service.register({ ...consulRegistration(e), ctx } as never),
        );
    },
    async deregisterEnvironment(repository, environment) {
      const ids = (await listAll()).filter((e) => sameEnvironment(e, repository, environment)).map((e) => e.id);
      for (const id of ids)
        await withReason(`the deregistration of ${id}`, (ctx) => consul.agent.service.deregister({ id, ctx } as never));
      return ids;
    },
    async list(name) {
      if (name === undefined) return listAll();
      const nodes = (await consul.catalog.service.nodes(name)) as CatalogService[];
      return nodes.flatMap((s) => entryFromConsul(fromCatalog(s)) ?? []).sort((a, b) => a.id.localeCompare(b.id));
    },
    async watch(onChange: (change: RegistryChange) => void) {
      // A blocking query on the catalog's service list wakes on every registration and removal; the entries are
      // then compared with the last seen set. The first answer is the starting point, not a change.
      let known: Map<string, RegistryEntry> | undefined;
      let chain = Promise.resolve();
      let ready!: () => void;
      const started = new Promise<void>((resolve) => (ready = resolve));
      const watch = consul.watch({
        method: consul.catalog.service.list,
        options: { wait: opts.watchWait ?? "30s" },
        backoffFactor: 100,
        backoffMax: 5000,
      });
      watch.on("change", () => {
        chain = chain.then(async () => {
          const now = new Map((await listAll()).map((e) => [e.id, e]));
          if (known) {
            for (const [id, entry] of now)
              if (JSON.stringify(known.get(id)) !== JSON.stringify(entry)) onChange({ kind: "registered", id, entry });
            for (const [id, entry] of known) if (!now.has(id)) onChange({ kind: "deregistered", id, entry });
          }
          known = now;
          ready();
        });
        chain = chain.catch((err: unknown) => opts.log?.warn({ err }, "consul watch could not list services"));
      });
      watch.on("error", (err: unknown) => {
        opts.log?.warn({ err }, "consul watch failed; retrying");
        ready();
      });
      await started;
      return async () => {
        watch.end();
        await chain;
      };
    },
    async values(repository, environment) {
      const prefix = registryKeys.valuesPrefix(repository, environment);
      const items = (await consul.kv.get({ key: prefix, recurse: true })) as
        { Key: string; Value: string | null }[] | undefined;
      return Object.fromEntries(
        (items ?? []).filter((i) => i.Key !== prefix).map((i) => [i.Key.slice(prefix.length), i.Value ?? ""]),
      );
    },
    async close() {
      consul.destroy();
    },
  };
}
