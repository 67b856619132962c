// What the Caddy edge must serve for one environment, and the Caddy JSON for it. Pure: the adapter sends it through
// the admin API. One route per environment, addressed by its @id, so adding and removing one never rewrites another.
import type { CaddyEdgeConfig, TrafficPolicy } from "../config/types.js";
import { caddyPolicy } from "./caddy-policy.js";

/** Server name in Caddy's config (apps.http.servers.<name>). */
export const EDGE_SERVER = "berth";
const CATCH_ALL_ID = "berth-not-found";

export interface EdgeRoute {
  /** The environment's stack: the route's identity. */
  stack: string;
  host: string;
  /** Swarm service name the edge resolves on the edge network (<stack>_<service>; dnsrr: one A record per task). */
  upstream: string;
  port: number;
  policy?: TrafficPolicy;
}

export const routeId = (stack: string): string => `berth-route-${stack}`;

/** Labels on the public service that let Berth rebuild every route from what runs (after an edge restart). */
export const ROUTE_LABELS = { host: "berth.edge.host", port: "berth.edge.port", policy: "berth.edge.policy" } as const;

/** `edge` is the edge service's name: labelled so each edge re-applies only its own routes. */
export function routeLabels(route: EdgeRoute, edge: string): Record<string, string> {
  return {
    "berth.edge": edge,
    [ROUTE_LABELS.host]: route.host,
    [ROUTE_LABELS.port]: String(route.port),
    ...(route.policy ? { [ROUTE_LABELS.policy]: JSON.stringify(route.policy) } : {}),
  };
}

/** The route back from a running service's labels; undefined when they are not Berth's edge labels. */
export function routeFromLabels(
  stack: string,
  serviceName: string,
  labels: Readonly<Record<string, string>>,
): EdgeRoute | undefined {
  const host = labels[ROUTE_LABELS.host];
  const port = Number(labels[ROUTE_LABELS.port]);
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  let policy: TrafficPolicy | undefined;
  try {
    const text = labels[ROUTE_LABELS.policy];
    policy = text ? (JSON.parse(text) as TrafficPolicy) : undefined;
  } catch {
    policy = undefined;
  }
  return { stack, host, upstream: serviceName, port, ...(policy ? { policy } : {}) };
}

/**
 * Caddy 2.6 forgets the passive-health state of dynamic upstreams after every request (caddyserver/caddy#7539, fixed
 * long after 2.6), so a circuit breaker needs fixed upstreams: the task addresses Berth resolved on the edge network,
 * refreshed by the edge keeper when tasks change. Without a breaker the edge resolves the name itself every second.
 */
export const needsPinnedUpstreams = (route: EdgeRoute): boolean => route.policy?.circuitBreaker !== undefined;

export function upstreamsJson(route: EdgeRoute, addresses?: readonly string[]): Record<string, unknown> {
  if (addresses && needsPinnedUpstreams(route))
    return { upstreams: addresses.map((a) => ({ dial: `${a.includes(":") ? `[${a}]` : a}:${route.port}` })) };
  // Re-resolved every second: tasks come and go during updates and scaling (dnsrr, no virtual IP).
  return { dynamic_upstreams: { source: "a", name: route.upstream, port: String(route.port), refresh: 1_000_000_000 } };
}

/** `addresses`: the tasks' addresses on the edge network, used when the route needs pinned upstreams. */
export function caddyRoute(route: EdgeRoute, addresses?: readonly string[]): Record<string, unknown> {
  const policy = caddyPolicy(route.policy);
  return {
    "@id": routeId(route.stack),
    match: [{ host: [route.host] }],
    handle: [
      {
        handler: "reverse_proxy",
        ...upstreamsJson(route, addresses),
        load_balancing: policy.loadBalancing,
        ...(policy.healthChecks ? { health_checks: policy.healthChecks } : {}),
        transport: policy.transport,
      },
    ],
    terminal: true,
  };
}

/** Certificates the edge manages up front: with the internal CA a wildcard per domain, so a host whose route is gone
 *  still completes TLS and gets the 404 (ACME wildcards need DNS-01, so in acme mode each host gets its own). */
export function wildcardFor(edge: CaddyEdgeConfig, host: string): string | undefined {
  const dot = host.indexOf(".");
  return edge.tls === "internal" && dot > 0 ? `*${host.slice(dot)}` : undefined;
}

/** The whole edge config: admin on the container's loopback only, routes, a 404 for every other host, TLS. */
export function edgeConfig(
  edge: CaddyEdgeConfig,
  routes: readonly EdgeRoute[],
  addresses: ReadonlyMap<string, readonly string[]> = new Map(),
): Record<string, unknown> {
  const issuer =
    edge.tls === "internal"
      ? { module: "internal" }
      : {
          module: "acme",
          ...(edge.acmeEmail ? { email: edge.acmeEmail } : {}),
          ...(edge.acmeCa ? { ca: edge.acmeCa } : {}),
        };
  const wildcards = [...new Set(routes.map((r) => wildcardFor(edge, r.host)).filter((w) => w !== undefined))];
  return {
    admin: { listen: "localhost:2019" },
    apps: {
      http: {
        servers: {
          [EDGE_SERVER]: {
            listen: [":443"],
            routes: [...routes.map((r) => caddyRoute(r, addresses.get(r.stack))), notFoundRoute()],
          },
        },
      },
      tls: {
        certificates: { automate: wildcards },
        automation: { policies: [{ issuers: [issuer] }] },
      },
    },
  };
}

function notFoundRoute(): Record<string, unknown> {
  return {
    "@id": CATCH_ALL_ID,
    handle: [{ handler: "static_response", status_code: 404, body: "no environment here\n" }],
  };
}

/** Admin API path of the routes array, where a new route is inserted in front of the catch-all. */
export const ROUTES_PATH = `/config/apps/http/servers/${EDGE_SERVER}/routes`;
export const AUTOMATE_PATH = "/config/apps/tls/certificates/automate";
/** Present once Berth loaded its config; absent after an edge (re)start: then every route is re-applied. */
export const MARKER_ID = CATCH_ALL_ID;
