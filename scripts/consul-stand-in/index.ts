// A small local Consul: the Consul binary cannot be installed here, so Berth's Consul adapter is tested against this
// HTTP stand-in. It follows Consul's documented HTTP API (website/content/api-docs: agent/service, catalog, health,
// kv, features/blocking) for the endpoints Berth uses, one agent on one node in dc1:
//   PUT    /v1/agent/service/register          body validated as Consul's agent does (validate.ts); 200, empty body
//   PUT    /v1/agent/service/deregister/:id    200 (an unknown id is no error, as documented)
//   GET    /v1/agent/services                  { id: AgentService }
//   GET    /v1/catalog/services                { name: [tags] }                     blocking (?index=&wait=)
//   GET    /v1/catalog/service/:name           [CatalogService]                     blocking
//   GET    /v1/health/service/:name            [{Node, Service, Checks}] (?passing)  blocking
//   GET    /v1/kv/:key                         [KVPair] with base64 Value, 404 when none (?recurse, ?keys, ?raw)
//   PUT    /v1/kv/:key                         body = raw value; answers true (?flags, ?cas)
//   DELETE /v1/kv/:key                         answers true (?recurse, ?cas)
// Every answer carries X-Consul-Index / X-Consul-KnownLeader / X-Consul-LastContact where Consul sends them.
// Checks are not run (the services sit on overlay networks this host cannot reach): a check stays in the status it
// was registered with (critical by default, as in Consul) unless a test sets it (POST /_standin/check/:serviceId).
//   GET /_standin/requests   every request so far (method, path, query, body, status)   POST /_standin/reset
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { once } from "node:events";
import { parseDuration, validateRegistration, type StoredCheck, type StoredService } from "./validate.js";

export interface RecordedConsulRequest {
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Parsed JSON when the body is JSON, else the raw text (KV values), undefined when empty. */
  body: unknown;
  status: number;
}

interface KvPair {
  value: Buffer;
  flags: number;
  createIndex: number;
  modifyIndex: number;
}

interface ServiceRecord extends StoredService {
  createIndex: number;
  modifyIndex: number;
}

export interface ConsulStandIn {
  url: string;
  port: number;
  requests: RecordedConsulRequest[];
  /** Sets the status of a service's checks (Consul would run them). */
  setCheckStatus(serviceId: string, status: StoredCheck["status"]): void;
  close(): Promise<void>;
}

const NODE = "berth-standin";
const NODE_ADDRESS = "127.0.0.1";
const DATACENTER = "dc1";
const MAX_WAIT_MS = 600_000;
const DEFAULT_WAIT_MS = 300_000;

export async function startConsulStandIn(opts: { port?: number } = {}): Promise<ConsulStandIn> {
  const requests: RecordedConsulRequest[] = [];
  const services = new Map<string, ServiceRecord>();
  const kv = new Map<string, KvPair>();
  /** key → index of its deletion, so a blocking query on a deleted key wakes up. */
  const kvTombstones = new Map<string, number>();
  const serviceTombstones = new Map<string, number>();
  let index = 1;
  let catalogIndex = 1;
  const waiters = new Set<() => void>();
  const changed = () => {
    for (const wake of [...waiters]) wake();
  };

  const agentService = (s: ServiceRecord) => ({
    ID: s.ID,
    Service: s.Service,
    Tags: s.Tags,
    Meta: s.Meta,
    Port: s.Port,
    Address: s.Address,
    EnableTagOverride: false,
    Weights: { Passing: 1, Warning: 1 },
    Datacenter: DATACENTER,
  });
  const healthChecks = (s: ServiceRecord) =>
    s.checks.map((c, i) => ({
      Node: NODE,
      CheckID: s.checks.length === 1 ? `service:${s.ID}` : `service:${s.ID}:${i + 1}`,
      Name: `Service '${s.Service}' check`,
      Status: c.status,
      Notes: "",
      Output: "",
      ServiceID: s.ID,
      ServiceName: s.Service,
      ServiceTags: s.Tags,
      Type: c.http ? "http" : c.tcp ? "tcp" : c.ttl ? "ttl" : "script",
      CreateIndex: s.createIndex,
      ModifyIndex: s.modifyIndex,
    }));
  const byName = (name: string) => [...services.values()].filter((s) => s.Service === name);
  const serviceIndex = (name: string) =>
    Math.max(1, serviceTombstones.get(name) ?? 0, ...byName(name).map((s) => s.modifyIndex));
  const kvMatches = (key: string, recurse: boolean) =>
    [...kv.entries()].filter(([k]) => (recurse ? k.startsWith(key) : k === key)).sort(([a], [b]) => a.localeCompare(b));
  const kvQueryIndex = (key: string, recurse: boolean) => {
    const tombs = [...kvTombstones.entries()].filter(([k]) => (recurse ? k.startsWith(key) : k === key));
    return Math.max(1, ...kvMatches(key, recurse).map(([, p]) => p.modifyIndex), ...tombs.map(([, i]) => i));
  };
  const kvPair = (k: string, p: KvPair) => ({
    LockIndex: 0,
    Key: k,
    Flags: p.flags,
    Value: p.value.length === 0 ? null : p.value.toString("base64"),
    CreateIndex: p.createIndex,
    ModifyIndex: p.modifyIndex,
  });

  /** Blocking queries (features/blocking): answer once the index passed `index`, or when `wait` runs out. */
  const block = async (res: ServerResponse, query: URLSearchParams, current: () => number) => {
    const asked = Number(query.get("index") ?? "0");
    if (!query.has("index") || !Number.isFinite(asked) || asked <= 0 || current() > asked) return;
    const waitMs = Math.min(parseDuration(query.get("wait") ?? "") ?? DEFAULT_WAIT_MS, MAX_WAIT_MS);
    // Consul adds up to wait/16 of jitter; the stand-in keeps the bound exact.
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waiters.delete(check);
        res.off("close", done);
        resolve();
      };
      const check = () => {
        if (current() > asked) done();
      };
      const timer = setTimeout(done, waitMs);
      waiters.add(check);
      // The response's close, not the request's: a request emits close once its body is read.
      res.on("close", done);
    });
  };

  const handle = async (
    req: IncomingMessage,
    res: ServerResponse,
    raw: Buffer,
    url: URL,
  ): Promise<{ status: number; body?: unknown; text?: string; buffer?: Buffer; index?: number }> => {
    const path = decodeURIComponent(url.pathname);
    const q = url.searchParams;
    const method = req.method ?? "GET";
    let m: RegExpExecArray | null;
    if (path === "/v1/agent/service/register") {
      if (method !== "PUT") return { status: 405, text: `method ${method} not allowed` };
      const result = validateRegistration(raw.toString());
      if (!result.ok) return { status: 400, text: result.reason };
      index += 1;
      const previous = services.get(result.service.ID);
      services.set(result.service.ID, {
        ...result.service,
        createIndex: previous?.createIndex ?? index,
        modifyIndex: index,
      });
      catalogIndex = index;
      changed();
      return { status: 200, text: "" };
    }
    if ((m = /^\/v1\/agent\/service\/deregister\/(.*)$/.exec(path))) {
      if (method !== "PUT") return { status: 405, text: `method ${method} not allowed` };
      const id = m[1]!;
      const existing = services.get(id);
      if (existing) {
        index += 1;
        services.delete(id);
        serviceTombstones.set(existing.Service, index);
        catalogIndex = index;
        changed();
      }
      return { status: 200, text: "" };
    }
    if (path === "/v1/agent/services") {
      if (method !== "GET") return { status: 405, text: `method ${method} not allowed` };
      return { status: 200, body: Object.fromEntries([...services.values()].map((s) => [s.ID, agentService(s)])) };
    }
    if (path === "/v1/catalog/services") {
      if (method !== "GET") return { status: 405, text: `method ${method} not allowed` };
      await block(res, q, () => catalogIndex);
      const names: Record<string, string[]> = { consul: [] };
      for (const s of services.values()) names[s.Service] = [...new Set([...(names[s.Service] ?? []), ...s.Tags])];
      return { status: 200, body: names, index: catalogIndex };
    }
    if ((m = /^\/v1\/catalog\/service\/(.+)$/.exec(path))) {
      if (method !== "GET") return { status: 405, text: `method ${method} not allowed` };
      const name = m[1]!;
      await block(res, q, () => serviceIndex(name));
      const tag = q.get("tag");
      const body = byName(name)
        .filter((s) => !tag || s.Tags.includes(tag))
        .map((s) => ({
          ID: "5e1c5b9a-0000-4000-8000-000000000001",
          Node: NODE,
          Address: NODE_ADDRESS,
          Datacenter: DATACENTER,
          TaggedAddresses: { lan: NODE_ADDRESS, wan: NODE_ADDRESS },
          NodeMeta: {},
          ServiceID: s.ID,
          ServiceName: s.Service,
          ServiceTags: s.Tags,
          ServiceAddress: s.Address,
          ServicePort: s.Port,
          ServiceMeta: s.Meta,
          ServiceEnableTagOverride: false,
          ServiceWeights: { Passing: 1, Warning: 1 },
          CreateIndex: s.createIndex,
          ModifyIndex: s.modifyIndex,
        }));
      return { status: 200, body, index: serviceIndex(name) };
    }
    if ((m = /^\/v1\/health\/service\/(.+)$/.exec(path))) {
      if (method !== "GET") return { status: 405, text: `method ${method} not allowed` };
      const name = m[1]!;
      await block(res, q, () => serviceIndex(name));
      const passingOnly = q.has("passing") && q.get("passing") !== "false";
      const body = byName(name)
        .filter((s) => !passingOnly || s.checks.every((c) => c.status === "passing"))
        .map((s) => ({
          Node: {
            ID: "5e1c5b9a-0000-4000-8000-000000000001",
            Node: NODE,
            Address: NODE_ADDRESS,
            Datacenter: DATACENTER,
          },
          Service: agentService(s),
          Checks: healthChecks(s),
        }));
      return { status: 200, body, index: serviceIndex(name) };
    }
    if ((m = /^\/v1\/kv\/(.*)$/.exec(path))) {
      const key = m[1]!;
      const recurse = q.has("recurse") && q.get("recurse") !== "false";
      if (method === "GET") {
        const keysOnly = q.has("keys");
        await block(res, q, () => kvQueryIndex(key, recurse || keysOnly));
        const found = kvMatches(key, recurse || keysOnly);
        const at = kvQueryIndex(key, recurse || keysOnly);
        if (found.length === 0) return { status: 404, text: "", index: at };
        if (keysOnly) return { status: 200, body: found.map(([k]) => k), index: at };
        if (q.has("raw")) return { status: 200, buffer: found[0]![1].value, index: at };
        return { status: 200, body: found.map(([k, p]) => kvPair(k, p)), index: at };
      }
      if (key === "") return { status: 400, text: "Missing key name" };
      if (method === "PUT") {
        const flags = Number(q.get("flags") ?? "0");
        if (!Number.isInteger(flags) || flags < 0) return { status: 400, text: "Invalid flags value" };
        const existing = kv.get(key);
        if (q.has("cas") && Number(q.get("cas")) !== (existing?.modifyIndex ?? 0)) return { status: 200, body: false };
        index += 1;
        kv.set(key, { value: raw, flags, createIndex: existing?.createIndex ?? index, modifyIndex: index });
        kvTombstones.delete(key);
        changed();
        return { status: 200, body: true };
      }
      if (method === "DELETE") {
        const doomed = kvMatches(key, recurse).map(([k]) => k);
        if (q.has("cas") && !recurse && Number(q.get("cas")) !== (kv.get(key)?.modifyIndex ?? 0))
          return { status: 200, body: false };
        if (doomed.length > 0) {
          index += 1;
          for (const k of doomed) {
            kv.delete(k);
            kvTombstones.set(k, index);
          }
          changed();
        }
        return { status: 200, body: true };
      }
      return { status: 405, text: `method ${method} not allowed` };
    }
    return { status: 404, text: "" };
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const send = (status: number, body: string | Buffer, type: string, headers: Record<string, string> = {}) => {
        if (res.destroyed) return;
        res.writeHead(status, { "content-type": type, ...headers });
        res.end(body);
      };
      if (url.pathname === "/_standin/requests") return send(200, JSON.stringify(requests), "application/json");
      if (url.pathname === "/_standin/reset") {
        requests.length = 0;
        services.clear();
        kv.clear();
        return send(200, "true", "application/json");
      }
      const text = raw.toString();
      let body: unknown = text === "" ? undefined : text;
      try {
        if (text !== "") body = JSON.parse(text);
      } catch {
        // Not JSON (a KV value, or a malformed registration): recorded as sent.
      }
      const record: RecordedConsulRequest = {
        at: Date.now(),
        method: req.method ?? "GET",
        // Decoded, as Consul's router sees it: the client sends a KV key's slashes as %2F.
        path: decodeURIComponent(url.pathname),
        query: Object.fromEntries(url.searchParams),
        body,
        status: 0,
      };
      requests.push(record);
      handle(req, res, raw, url).then(
        (r) => {
          record.status = r.status;
          const headers: Record<string, string> =
            r.index === undefined
              ? {}
              : { "X-Consul-Index": String(r.index), "X-Consul-KnownLeader": "true", "X-Consul-LastContact": "0" };
          if (r.buffer) return send(r.status, r.buffer, "application/octet-stream", headers);
          if (r.text !== undefined) return send(r.status, r.text, "text/plain; charset=utf-8", headers);
          send(r.status, JSON.stringify(r.body), "application/json", headers);
        },
        (err: unknown) => {
          record.status = 500;
          send(500, String(err), "text/plain; charset=utf-8");
        },
      );
    });
  });
  server.listen(opts.port ?? 0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    setCheckStatus(serviceId, status) {
      const s = services.get(serviceId);
      if (!s) throw new Error(`no service ${serviceId}`);
      index += 1;
      for (const c of s.checks) c.status = status;
      s.modifyIndex = index;
      changed();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const standIn = await startConsulStandIn({ port: Number(process.env.PORT ?? 0) });
  console.log(`Consul stand-in listening on ${standIn.url}`);
}
