// What Consul's agent refuses in PUT /v1/agent/service/register, with Consul's own reasons (agent_endpoint.go
// AgentRegisterService, structs.ValidateServiceMetadata, CheckType.Validate): a body that does not decode, a missing
// name, a wildcard address, bad Meta, a check without a usable interval. Field names are matched case-insensitively
// and in snake_case, as Consul's decoder does.

export interface StoredCheck {
  http?: string;
  tcp?: string;
  ttl?: number;
  intervalMs?: number;
  timeoutMs?: number;
  status: "passing" | "warning" | "critical";
}

export interface StoredService {
  ID: string;
  Service: string;
  Tags: string[];
  Meta: Record<string, string>;
  Port: number;
  Address: string;
  checks: StoredCheck[];
}

export type Validated = { ok: true; service: StoredService } | { ok: false; reason: string };

/** Go durations as Consul decodes them ("10s", "1m30s", "250ms"); a bare number is nanoseconds. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === "number") return value / 1e6;
  if (typeof value !== "string") return undefined;
  if (value === "0") return 0;
  const re = /([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/gy;
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let matched = 0;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    total += Number(m[1]) * unit[m[2]!]!;
    matched = re.lastIndex;
  }
  return matched === value.length && value.length > 0 ? total : undefined;
}

/** Looks a field up the way Consul's decoder does: any case, CamelCase or snake_case. */
function field(obj: Record<string, unknown>, name: string): unknown {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(obj)) if (k.toLowerCase().replaceAll("_", "") === want) return v;
  return undefined;
}

const typeError = (value: unknown, path: string, goType: string) =>
  `Request decode failed: json: cannot unmarshal ${Array.isArray(value) ? "array" : value === null ? "null" : typeof value === "object" ? "object" : typeof value} into Go struct field ${path} of type ${goType}`;

export function validateRegistration(raw: string): Validated {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (err) {
    return { ok: false, reason: `Request decode failed: ${(err as Error).message}` };
  }
  if (!body || typeof body !== "object" || Array.isArray(body))
    return { ok: false, reason: typeError(body, "ServiceDefinition", "structs.ServiceDefinition") };
  const b = body as Record<string, unknown>;
  const str = (name: string): string | { error: string } => {
    const v = field(b, name);
    if (v === undefined || v === null) return "";
    return typeof v === "string" ? v : { error: typeError(v, `ServiceDefinition.${name}`, "string") };
  };
  const name = str("Name");
  const id = str("ID");
  const address = str("Address");
  if (typeof name !== "string") return { ok: false, reason: name.error };
  if (typeof id !== "string") return { ok: false, reason: id.error };
  if (typeof address !== "string") return { ok: false, reason: address.error };
  const port = field(b, "Port") ?? 0;
  if (typeof port !== "number" || !Number.isInteger(port))
    return { ok: false, reason: typeError(port, "ServiceDefinition.Port", "int") };
  const tags = field(b, "Tags") ?? [];
  if (!Array.isArray(tags) || tags.some((t) => typeof t !== "string"))
    return { ok: false, reason: typeError(tags, "ServiceDefinition.Tags", "[]string") };
  const meta = field(b, "Meta") ?? {};
  if (typeof meta !== "object" || Array.isArray(meta) || meta === null)
    return { ok: false, reason: typeError(meta, "ServiceDefinition.Meta", "map[string]string") };
  for (const v of Object.values(meta))
    if (typeof v !== "string") return { ok: false, reason: typeError(v, "ServiceDefinition.Meta", "string") };

  if (name === "") return { ok: false, reason: "Missing service name" };
  if (address === "0.0.0.0" || address === "::" || address === "[::]")
    return { ok: false, reason: "Invalid service address" };
  const metaProblem = metadataProblem(meta as Record<string, string>);
  if (metaProblem) return { ok: false, reason: `Invalid Service Meta: ${metaProblem}` };

  const checks: StoredCheck[] = [];
  const single = field(b, "Check");
  const many = field(b, "Checks");
  const defs = [...(single ? [single] : []), ...(Array.isArray(many) ? many : [])];
  for (const def of defs) {
    if (typeof def !== "object" || def === null || Array.isArray(def))
      return { ok: false, reason: typeError(def, "ServiceDefinition.Check", "structs.CheckType") };
    const c = def as Record<string, unknown>;
    const durations: Record<string, number | undefined> = {};
    for (const key of ["Interval", "Timeout", "TTL", "DeregisterCriticalServiceAfter"]) {
      const v = field(c, key);
      if (v === undefined) continue;
      const ms = parseDuration(v);
      if (ms === undefined)
        return { ok: false, reason: `Request decode failed: time: invalid duration "${String(v)}"` };
      durations[key] = ms;
    }
    const http = field(c, "HTTP");
    const tcp = field(c, "TCP");
    const args = field(c, "Args") ?? field(c, "ScriptArgs");
    const grpc = field(c, "GRPC");
    const intervalCheck = Boolean(http || tcp || grpc || (Array.isArray(args) && args.length > 0));
    const interval = durations.Interval ?? 0;
    const ttl = durations.TTL ?? 0;
    if (interval > 0 && ttl > 0)
      return { ok: false, reason: "Invalid check: Interval and TTL cannot both be specified" };
    if (intervalCheck && interval <= 0)
      return { ok: false, reason: "Invalid check: Interval must be > 0 for Script, HTTP, or TCP checks" };
    if (!intervalCheck && ttl <= 0) return { ok: false, reason: "Invalid check: TTL must be > 0 for TTL checks" };
    const status = field(c, "Status");
    if (status !== undefined && status !== "" && !["passing", "warning", "critical"].includes(String(status)))
      return { ok: false, reason: "Status for checks must 'passing', 'warning', 'critical'" };
    checks.push({
      ...(typeof http === "string" ? { http } : {}),
      ...(typeof tcp === "string" ? { tcp } : {}),
      ...(ttl > 0 ? { ttl } : {}),
      ...(interval > 0 ? { intervalMs: interval } : {}),
      ...(durations.Timeout !== undefined ? { timeoutMs: durations.Timeout } : {}),
      // A new check starts critical unless the registration says otherwise, as in Consul.
      status: (status as StoredCheck["status"] | undefined) || "critical",
    });
  }
  return {
    ok: true,
    service: {
      ID: id || name,
      Service: name,
      Tags: tags as string[],
      Meta: meta as Record<string, string>,
      Port: port,
      Address: address,
      checks,
    },
  };
}

function metadataProblem(meta: Record<string, string>): string | undefined {
  const entries = Object.entries(meta);
  if (entries.length > 64) return "Node metadata cannot contain more than 64 key/value pairs";
  for (const [k, v] of entries) {
    const why =
      k === ""
        ? "Key cannot be blank"
        : !/^[a-zA-Z0-9_-]+$/.test(k)
          ? "Key contains invalid characters"
          : k.length > 128
            ? "Key is too long (limit: 128 characters)"
            : k.startsWith("consul-")
              ? "Key prefix 'consul-' is reserved for internal use"
              : v.length > 512
                ? "Value is too long (limit: 512 characters)"
                : undefined;
    if (why) return `Couldn't load metadata pair ('${k}', '${v}'): ${why}`;
  }
  return undefined;
}
