// Traefik v3 labels for the public service (swarm provider reads deploy.labels of services). Traefik cannot run on
// this machine, so the labels are checked here against the shapes Traefik accepts, with a closed list of keys.
//
// dnsrr and Traefik: with endpoint_mode dnsrr a service has no virtual IP, so Traefik's swarm provider lists the
// service's running tasks and balances over their addresses on the shared network. traefik.swarm.lbswarm must
// stay false (Traefik ignores true for dnsrr services and logs a warning); it is written out so nobody adds it.

export interface TraefikRoute {
  /** Router and service name: the stack name (unique per environment). */
  name: string;
  host: string;
  port: number;
  entrypoint: string;
  tls: boolean;
  certResolver?: string;
  network: string;
}

export function traefikLabels(r: TraefikRoute): Record<string, string> {
  const router = `traefik.http.routers.${r.name}`;
  const labels: Record<string, string> = {
    "traefik.enable": "true",
    "traefik.swarm.network": r.network,
    "traefik.swarm.lbswarm": "false",
    [`${router}.rule`]: `Host(\`${r.host}\`)`,
    [`${router}.entrypoints`]: r.entrypoint,
    [`${router}.service`]: r.name,
    [`traefik.http.services.${r.name}.loadbalancer.server.port`]: String(r.port),
  };
  if (r.tls) labels[`${router}.tls`] = "true";
  if (r.tls && r.certResolver) labels[`${router}.tls.certresolver`] = r.certResolver;
  return labels;
}

const NAME = "[A-Za-z0-9-]+";
const DURATION = (v: string) => /^[0-9]{1,6}(ms|s|m)$/.test(v);
const COUNT = (v: string) => /^[1-9][0-9]{0,6}$/.test(v);
const SERVICE_LB = `^traefik\\.http\\.services\\.${NAME}\\.loadbalancer`;
const MIDDLEWARE = `^traefik\\.http\\.middlewares\\.${NAME}`;
// Traffic-policy labels (core/routing/traefik-policy.ts), names as Traefik v3's reference documents them.
const POLICY_RULES: { key: RegExp; value: (v: string) => boolean; what: string }[] = [
  { key: new RegExp(`${SERVICE_LB}\\.sticky\\.cookie$`), value: (v) => v === "true", what: "true" },
  {
    key: new RegExp(`${SERVICE_LB}\\.sticky\\.cookie\\.name$`),
    value: (v) => /^[A-Za-z0-9_-]{1,64}$/.test(v),
    what: "a cookie name",
  },
  { key: new RegExp(`${SERVICE_LB}\\.strategy$`), value: (v) => v === "wrr" || v === "p2c", what: "wrr or p2c" },
  { key: new RegExp(`${MIDDLEWARE}\\.retry\\.attempts$`), value: COUNT, what: "a positive count" },
  { key: new RegExp(`${MIDDLEWARE}\\.retry\\.initialInterval$`), value: DURATION, what: "a duration" },
  {
    key: new RegExp(`${MIDDLEWARE}\\.circuitBreaker\\.expression$`),
    value: (v) => /^(?:NetworkErrorRatio\(\)|ResponseCodeRatio\([0-9, ]+\)|LatencyAtQuantileMS\([0-9.]+\))/.test(v),
    what: "a circuit breaker expression",
  },
  {
    key: new RegExp(`${MIDDLEWARE}\\.circuitBreaker\\.(?:fallbackDuration|recoveryDuration)$`),
    value: DURATION,
    what: "a duration",
  },
  { key: new RegExp(`${MIDDLEWARE}\\.rateLimit\\.(?:average|burst)$`), value: COUNT, what: "a positive count" },
  {
    key: new RegExp(`^traefik\\.http\\.routers\\.${NAME}\\.middlewares$`),
    value: (v) => /^[A-Za-z0-9-]+(,[A-Za-z0-9-]+)*$/.test(v),
    what: "middleware names",
  },
];
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const RULES: { key: RegExp; value: (v: string) => boolean; what: string }[] = [
  { key: /^traefik\.enable$/, value: (v) => v === "true" || v === "false", what: "true or false" },
  { key: /^traefik\.swarm\.lbswarm$/, value: (v) => v === "false", what: "false (dnsrr services have no VIP)" },
  {
    key: /^traefik\.swarm\.network$/,
    value: (v) => /^[a-zA-Z0-9][-_.a-zA-Z0-9]*$/.test(v),
    what: "a Docker network name",
  },
  {
    key: new RegExp(`^traefik\\.http\\.routers\\.${NAME}\\.rule$`),
    value: (v) => hostRule(v) !== undefined,
    what: "Host(`<lower-case host name>`)",
  },
  {
    key: new RegExp(`^traefik\\.http\\.routers\\.${NAME}\\.entrypoints$`),
    value: (v) => /^[A-Za-z0-9_-]+(,[A-Za-z0-9_-]+)*$/.test(v),
    what: "entrypoint names",
  },
  {
    key: new RegExp(`^traefik\\.http\\.routers\\.${NAME}\\.service$`),
    value: (v) => new RegExp(`^${NAME}$`).test(v),
    what: "a service name",
  },
  { key: new RegExp(`^traefik\\.http\\.routers\\.${NAME}\\.tls$`), value: (v) => v === "true", what: "true" },
  {
    key: new RegExp(`^traefik\\.http\\.routers\\.${NAME}\\.tls\\.certresolver$`),
    value: (v) => /^[A-Za-z0-9_-]+$/.test(v),
    what: "a resolver name",
  },
  {
    key: new RegExp(`^traefik\\.http\\.services\\.${NAME}\\.loadbalancer\\.server\\.port$`),
    value: (v) => /^[1-9][0-9]{0,4}$/.test(v) && Number(v) <= 65535,
    what: "a port 1-65535",
  },
  ...POLICY_RULES,
];

function hostRule(rule: string): string | undefined {
  const m = /^Host\(`([^`]*)`\)$/.exec(rule);
  return m && HOSTNAME.test(m[1]!) ? m[1] : undefined;
}

/** Problems with a label set, empty when Traefik would accept it as we mean it. */
export function validateTraefikLabels(labels: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  const traefik = Object.entries(labels).filter(([k]) => k.startsWith("traefik."));
  for (const [key, value] of traefik) {
    const rule = RULES.find((r) => r.key.test(key));
    if (!rule) problems.push(`label ${key} is not one Berth renders`);
    else if (!rule.value(value)) problems.push(`label ${key}=${JSON.stringify(value)} must be ${rule.what}`);
  }
  if (labels["traefik.enable"] === "true") {
    const services = new Set(traefik.map(([k]) => /^traefik\.http\.services\.([^.]+)\./.exec(k)?.[1]).filter(Boolean));
    const routers = traefik.filter(([k]) => /^traefik\.http\.routers\.[^.]+\.rule$/.test(k));
    if (routers.length === 0) problems.push("traefik.enable=true but no router rule");
    for (const [k, target] of traefik.filter(([k]) => /^traefik\.http\.routers\.[^.]+\.service$/.test(k))) {
      if (!services.has(target))
        problems.push(`${k} points at service ${target}, which has no loadbalancer.server.port label`);
    }
    if (services.size === 0)
      problems.push("a Swarm service needs traefik.http.services.<name>.loadbalancer.server.port");
    if (!labels["traefik.swarm.network"])
      problems.push("traefik.swarm.network is required so Traefik picks the shared network");
  }
  return problems;
}
