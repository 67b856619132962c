import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { parseDeployConfig } from "../../app/core/config/index.js";
import type { DeployConfig } from "../../app/core/config/types.js";
import { previewEnvironment, productionEnvironment } from "../../app/core/environment.js";
import { renderStack, validateTraefikLabels } from "../../app/core/render/index.js";
import { caddyRoute, edgeConfig, routeFromLabels } from "../../app/core/routing/edge-route.js";
import { caddyPolicy } from "../../app/core/routing/caddy-policy.js";
import { traefikPolicyLabels } from "../../app/core/routing/traefik-policy.js";
import { edgeArgs } from "../../app/core/routing/edge-docker-args.js";
import { DEFAULT_EDGE } from "../../app/core/routing/edge-defaults.js";
import { parseResponse, rawRequest } from "../../app/adapters/caddy/raw-http.js";

const MINIMAL = readFileSync(new URL("../fixtures/configs/minimal.yml", import.meta.url), "utf8");
const TEMPLATE = readFileSync(new URL("../../templates/web-service.yml", import.meta.url), "utf8");
const SHA = "0123456789abcdef0123456789abcdef01234567";

const caddy = (routing: string, web: string[] = []) =>
  MINIMAL.replace("routing:\n  domain: preview.example.com", `routing:\n${routing}`).replace(
    "    public: true",
    ["    public: true", ...web.map((l) => `    ${l}`)].join("\n"),
  );
function configOf(text: string): DeployConfig {
  const { config, problems } = parseDeployConfig("deploy-configs/shop.yml", text, {});
  expect(problems).toEqual([]);
  return config!;
}
const problemsOf = (text: string) =>
  parseDeployConfig("deploy-configs/shop.yml", text, {}).problems.map((p) => `${p.line}:${p.col} ${p.message}`);

describe("routing mode caddy in the config", () => {
  it("fills the edge defaults and builds https://<stack>.<domain>, the port only when not 443", () => {
    const config = configOf(caddy("  mode: caddy\n  domain: edge.test"));
    expect(config.routing.caddy).toEqual(DEFAULT_EDGE);
    expect(config.routing.scheme).toBe("https");
    const rendered = renderStack({
      config,
      templateFile: "web-service.yml",
      templateText: TEMPLATE,
      environment: previewEnvironment("shop", 7),
      sha: SHA,
    });
    expect(rendered.url).toBe("https://shop-pr-7.edge.test");
    expect(rendered.probeUrl).toBe("https://shop-pr-7.edge.test/");
    expect(rendered.probeConnectTo).toBe("manager.example.com");
    const onPort = configOf(caddy("  mode: caddy\n  domain: edge.test\n  caddy: { httpsPort: 27210 }"));
    const prod = renderStack({
      config: onPort,
      templateFile: "web-service.yml",
      templateText: TEMPLATE,
      environment: productionEnvironment("shop"),
      sha: SHA,
    });
    expect(prod.url).toBe("https://shop.edge.test:27210");
  });

  it("joins only the public service to the edge network, labelled so the route can be rebuilt from what runs", () => {
    const template = TEMPLATE.concat("\n  db:\n    image: db:1\n");
    const config = configOf(caddy("  mode: caddy\n  domain: edge.test\n  caddy: { network: edgenet, service: edgy }"));
    const rendered = renderStack({
      config,
      templateFile: "web-service.yml",
      templateText: template,
      environment: previewEnvironment("shop", 7),
      sha: SHA,
    });
    const doc = parse(rendered.yaml) as {
      services: Record<string, { networks: Record<string, unknown>; deploy: { labels: Record<string, string> } }>;
      networks: Record<string, unknown>;
    };
    expect(Object.keys(doc.services.web!.networks).sort()).toEqual(["berth", "berth_edge"]);
    expect(Object.keys(doc.services.db!.networks)).toEqual(["berth"]);
    expect(doc.networks.berth_edge).toEqual({ external: true, name: "edgenet" });
    expect(doc.services.web!.deploy.labels).toMatchObject({
      "berth.edge": "edgy",
      "berth.edge.host": "shop-pr-7.edge.test",
      "berth.edge.port": "8080",
    });
    expect(doc.services.db!.deploy.labels["berth.edge.host"]).toBeUndefined();
    expect(rendered.edgeRoute).toEqual({
      stack: "shop-pr-7",
      host: "shop-pr-7.edge.test",
      upstream: "shop-pr-7_web",
      port: 8080,
    });
    expect(routeFromLabels("shop-pr-7", "shop-pr-7_web", doc.services.web!.deploy.labels)).toEqual(rendered.edgeRoute);
  });

  it("refuses policies the router cannot honour, at the policy's line", () => {
    const limited = caddy("  mode: caddy\n  domain: edge.test", ["traffic:", "  rateLimit: { average: 10 }"]);
    expect(problemsOf(limited)).toEqual([
      "18:7 Caddy 2.6 has no built-in rate limiter (it needs a plugin Debian's caddy lacks); drop rateLimit or use traefik",
    ]);
    const weighted = caddy("  mode: caddy\n  domain: edge.test", ["traffic:", "  loadBalancing: weighted"]);
    expect(problemsOf(weighted)[0]).toMatch(/^18:7 weighted: Caddy 2\.6 has no weighted selection policy/);
    const traefikTimeouts = caddy("  domain: edge.test", ["traffic:", "  timeouts: { response: 5s }"]);
    expect(problemsOf(traefikTimeouts)[0]).toMatch(/^17:7 Traefik sets dial and response timeouts/);
    const hostPort = caddy("  mode: host-port\n  domain: edge.test", ["traffic:", "  retries: { budget: 5s }"]);
    expect(problemsOf(hostPort)[0]).toMatch(/^17:5 host-port mode has no router/);
    expect(problemsOf(caddy("  mode: caddy\n  scheme: http\n  domain: edge.test"))[0]).toMatch(
      /^11:11 the Caddy edge serves HTTPS only/,
    );
    expect(
      problemsOf(caddy("  mode: caddy\n  domain: edge.test", ["traffic:", "  retries: { budget: 5 sec }"])),
    ).toEqual(["18:26 must be a duration such as 250ms, 5s or 2m"]);
  });
});

describe("traffic policies rendered", () => {
  it("for Caddy: selection policy, try budget, timeouts and passive health with Caddy 2.6 field names", () => {
    expect(
      caddyPolicy({
        loadBalancing: "sticky-cookie",
        stickyCookie: "pin",
        retries: { budget: "2s", interval: "100ms" },
        timeouts: { connect: "1s", response: "2s" },
        circuitBreaker: { failures: 3, window: "30s" },
      }),
    ).toEqual({
      loadBalancing: { selection_policy: { policy: "cookie", name: "pin" }, try_duration: 2e9, try_interval: 1e8 },
      transport: { protocol: "http", dial_timeout: 1e9, response_header_timeout: 2e9 },
      healthChecks: { passive: { max_fails: 3, fail_duration: 30e9, unhealthy_status: [5] } },
    });
    expect(caddyPolicy({ loadBalancing: "least-connections" }).loadBalancing).toEqual({
      selection_policy: { policy: "least_conn" },
    });
  });

  it("for Caddy: a circuit-broken route pins the resolved task addresses, others resolve the name themselves", () => {
    const route = { stack: "s", host: "s.edge.test", upstream: "s_web", port: 8080 };
    const dynamic = caddyRoute(route, ["10.0.0.5"]) as { handle: Record<string, unknown>[] };
    expect(dynamic.handle[0]!.dynamic_upstreams).toEqual({ source: "a", name: "s_web", port: "8080", refresh: 1e9 });
    const broken = { ...route, policy: { circuitBreaker: { failures: 2, window: "5s" } } };
    const pinned = caddyRoute(broken, ["10.0.0.5", "10.0.0.6"]) as { handle: Record<string, unknown>[] };
    expect(pinned.handle[0]!.upstreams).toEqual([{ dial: "10.0.0.5:8080" }, { dial: "10.0.0.6:8080" }]);
  });

  it("the whole edge config: routes before the 404, a wildcard per domain with the internal CA, none with ACME", () => {
    const routes = [{ stack: "a-pr-1", host: "a-pr-1.edge.test", upstream: "a-pr-1_web", port: 80 }];
    const internal = edgeConfig(DEFAULT_EDGE, routes) as {
      admin: unknown;
      apps: { http: { servers: { berth: { routes: { "@id"?: string }[] } } }; tls: unknown };
    };
    expect(internal.admin).toEqual({ listen: "localhost:2019" });
    expect(internal.apps.http.servers.berth.routes.map((r) => r["@id"])).toEqual([
      "berth-route-a-pr-1",
      "berth-not-found",
    ]);
    expect(internal.apps.tls).toEqual({
      certificates: { automate: ["*.edge.test"] },
      automation: { policies: [{ issuers: [{ module: "internal" }] }] },
    });
    const acme = edgeConfig({ ...DEFAULT_EDGE, tls: "acme", acmeEmail: "ops@example.com" }, routes) as {
      apps: { tls: unknown };
    };
    expect(acme.apps.tls).toEqual({
      certificates: { automate: [] },
      automation: { policies: [{ issuers: [{ module: "acme", email: "ops@example.com" }] }] },
    });
  });

  it("for Traefik: middlewares and load-balancer labels that pass the label check", () => {
    const labels = traefikPolicyLabels("shop-pr-7", {
      loadBalancing: "sticky-cookie",
      retries: { budget: "2s", interval: "500ms" },
      circuitBreaker: { failures: 3, window: "30s" },
      rateLimit: { average: 50, burst: 100 },
    });
    expect(labels).toEqual({
      "traefik.http.services.shop-pr-7.loadbalancer.sticky.cookie": "true",
      "traefik.http.services.shop-pr-7.loadbalancer.sticky.cookie.name": "berth_sticky",
      "traefik.http.middlewares.shop-pr-7-retry.retry.attempts": "4",
      "traefik.http.middlewares.shop-pr-7-retry.retry.initialInterval": "500ms",
      "traefik.http.middlewares.shop-pr-7-breaker.circuitBreaker.expression":
        "NetworkErrorRatio() > 0.50 || ResponseCodeRatio(500, 600, 0, 600) > 0.50",
      "traefik.http.middlewares.shop-pr-7-breaker.circuitBreaker.fallbackDuration": "30s",
      "traefik.http.middlewares.shop-pr-7-breaker.circuitBreaker.recoveryDuration": "30s",
      "traefik.http.middlewares.shop-pr-7-ratelimit.rateLimit.average": "50",
      "traefik.http.middlewares.shop-pr-7-ratelimit.rateLimit.burst": "100",
      "traefik.http.routers.shop-pr-7.middlewares": "shop-pr-7-retry,shop-pr-7-breaker,shop-pr-7-ratelimit",
    });
    expect(validateTraefikLabels(labels)).toEqual([]);
    expect(validateTraefikLabels({ "traefik.http.middlewares.x-retry.retry.attempts": "many" })).toEqual([
      'label traefik.http.middlewares.x-retry.retry.attempts="many" must be a positive count',
    ]);
  });

  it("a traefik-mode stack carries the policy labels on the public service", () => {
    const config = configOf(
      caddy("  domain: edge.test", ["traffic:", "  loadBalancing: least-connections", "  rateLimit: { average: 5 }"]),
    );
    const rendered = renderStack({
      config,
      templateFile: "web-service.yml",
      templateText: TEMPLATE,
      environment: previewEnvironment("shop", 7),
      sha: SHA,
    });
    const labels = (parse(rendered.yaml) as { services: { web: { deploy: { labels: Record<string, string> } } } })
      .services.web.deploy.labels;
    expect(labels["traefik.http.services.shop-pr-7.loadbalancer.strategy"]).toBe("p2c");
    expect(labels["traefik.http.routers.shop-pr-7.middlewares"]).toBe("shop-pr-7-ratelimit");
    expect(validateTraefikLabels(labels)).toEqual([]);
  });
});

describe("the edge's admin channel", () => {
  it("writes one HTTP/1.1 request with Host localhost:2019 and refuses odd paths", () => {
    expect(rawRequest("PUT", "/config/apps/http/servers/berth/routes/0", { a: "é" })).toBe(
      "PUT /config/apps/http/servers/berth/routes/0 HTTP/1.1\r\nHost: localhost:2019\r\nConnection: close\r\n" +
        'Content-Type: application/json\r\nContent-Length: 10\r\n\r\n{"a":"é"}',
    );
    expect(() => rawRequest("GET", "/config/ HTTP/1.1\r\nX: y")).toThrow(/refusing/);
  });

  it("reads plain and chunked answers", () => {
    expect(parseResponse("HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nno\n")).toEqual({
      status: 404,
      body: "no\n",
    });
    expect(
      parseResponse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nnull\n\r\n3\r\nab\n\r\n0\r\n\r\n"),
    ).toEqual({ status: 200, body: "null\nab\n" });
  });

  it("builds docker argument tokens for the edge, admin only through docker exec", () => {
    expect(edgeArgs.admin("abc123")).toEqual(["docker", "exec", "-i", "abc123", "nc", "127.0.0.1", "2019"]);
    const create = edgeArgs.serviceCreate({ ...DEFAULT_EDGE, httpsPort: 27210, httpPort: 27211 });
    expect(create).toContain("mode=host,target=443,published=27210,protocol=tcp");
    expect(create.join(" ")).not.toContain("2019");
  });
});
