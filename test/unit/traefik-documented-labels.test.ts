// Traefik cannot run here, so traefik mode is proven against Traefik v3's own reference instead: every label Berth
// renders must be a key Traefik documents. The list below is the subset Berth uses, written from Traefik's
// docs/content/reference/dynamic-configuration/docker-labels.yml and swarm.yml (checked at tags v3.4.0 and v3.7.9;
// `traefik.swarm.*` replaced `traefik.docker.*` for Swarm in v3.2.2, `loadbalancer.strategy` (wrr | p2c) arrived in
// v3.4.0). Traefik reads labels case-insensitively (reference/routing-configuration/other-providers/swarm.md), so
// keys are compared lower-cased with the router, service and middleware names replaced by placeholders.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { parseDeployConfig } from "../../app/core/config/index.js";
import { previewEnvironment } from "../../app/core/environment.js";
import { renderStack } from "../../app/core/render/index.js";

const DOCUMENTED = new Set([
  "traefik.enable",
  "traefik.swarm.network",
  "traefik.swarm.lbswarm",
  "traefik.http.routers.<router>.rule",
  "traefik.http.routers.<router>.entrypoints",
  "traefik.http.routers.<router>.service",
  "traefik.http.routers.<router>.middlewares",
  "traefik.http.routers.<router>.tls",
  "traefik.http.routers.<router>.tls.certresolver",
  "traefik.http.services.<service>.loadbalancer.server.port",
  "traefik.http.services.<service>.loadbalancer.sticky.cookie",
  "traefik.http.services.<service>.loadbalancer.sticky.cookie.name",
  "traefik.http.services.<service>.loadbalancer.strategy",
  "traefik.http.middlewares.<middleware>.retry.attempts",
  "traefik.http.middlewares.<middleware>.retry.initialinterval",
  "traefik.http.middlewares.<middleware>.circuitbreaker.expression",
  "traefik.http.middlewares.<middleware>.circuitbreaker.fallbackduration",
  "traefik.http.middlewares.<middleware>.circuitbreaker.recoveryduration",
  "traefik.http.middlewares.<middleware>.ratelimit.average",
  "traefik.http.middlewares.<middleware>.ratelimit.burst",
]);
/** Values Traefik's dynamic configuration accepts for the keys whose values are a closed set (pkg/config/dynamic). */
const STRATEGIES = ["wrr", "p2c"];

/** A label key in the documented form, or undefined when it is not a shape Traefik documents. */
function documentedForm(key: string): string | undefined {
  const k = key.toLowerCase();
  const named = /^traefik\.http\.(routers|services|middlewares)\.([^.]+)\.(.+)$/.exec(k);
  const form = named
    ? `traefik.http.${named[1]}.<${{ routers: "router", services: "service", middlewares: "middleware" }[named[1]!]}>.${named[3]}`
    : k;
  return DOCUMENTED.has(form) ? form : undefined;
}

const TEMPLATE = readFileSync(new URL("../../templates/web-service.yml", import.meta.url), "utf8");
const SHA = "0123456789abcdef0123456789abcdef01234567";
function traefikLabelsFor(traffic: string[]): Record<string, string> {
  const text = [
    "repository: acme/shop",
    "app: shop",
    "template: web-service.yml",
    "ssh: { host: manager.example.com, user: deploy, privateKeyPath: /k, hostKey: 'SHA256:abc' }",
    "routing: { mode: traefik, domain: preview.example.com, traefik: { entrypoint: websecure, certResolver: le } }",
    "services:",
    "  web:",
    "    image: ghcr.io/acme/shop:{{sha}}",
    "    port: 8080",
    "    public: true",
    ...(traffic.length ? ["    traffic:", ...traffic.map((l) => `      ${l}`)] : []),
    "",
  ].join("\n");
  const { config, problems } = parseDeployConfig("deploy-configs/shop.yml", text, {});
  expect(problems).toEqual([]);
  const rendered = renderStack({
    config: config!,
    templateFile: "web-service.yml",
    templateText: TEMPLATE,
    environment: previewEnvironment("shop", 7),
    sha: SHA,
  });
  const labels = (parse(rendered.yaml) as { services: { web: { deploy: { labels: Record<string, string> } } } })
    .services.web.deploy.labels;
  return Object.fromEntries(Object.entries(labels).filter(([k]) => k.startsWith("traefik.")));
}

const POLICIES: Record<string, string[]> = {
  "no policy": [],
  "sticky cookie, retries, circuit breaker, rate limit": [
    "loadBalancing: sticky-cookie",
    "stickyCookie: pin",
    "retries: { budget: 2s, interval: 500ms }",
    "circuitBreaker: { failures: 3, window: 30s }",
    "rateLimit: { average: 50, burst: 100 }",
  ],
  "least connections": ["loadBalancing: least-connections"],
  "round robin": ["loadBalancing: round-robin"],
};

describe("traefik mode against Traefik v3's documented label names", () => {
  for (const [what, traffic] of Object.entries(POLICIES)) {
    it(`renders only documented keys, with references that resolve (${what})`, () => {
      const labels = traefikLabelsFor(traffic);
      expect(Object.keys(labels).filter((k) => documentedForm(k) === undefined)).toEqual([]);
      const lower = Object.fromEntries(Object.entries(labels).map(([k, v]) => [k.toLowerCase(), v]));
      // The router's service and every middleware it chains are defined by labels of the same service.
      const router = "traefik.http.routers.shop-pr-7";
      expect(lower[`traefik.http.services.${lower[`${router}.service`]}.loadbalancer.server.port`]).toBe("8080");
      for (const name of (lower[`${router}.middlewares`] ?? "").split(",").filter(Boolean))
        expect(Object.keys(lower).some((k) => k.startsWith(`traefik.http.middlewares.${name}.`))).toBe(true);
      const strategy = lower["traefik.http.services.shop-pr-7.loadbalancer.strategy"];
      if (strategy !== undefined) expect(STRATEGIES).toContain(strategy);
      expect(lower["traefik.swarm.lbswarm"]).toBe("false");
      expect(lower[`${router}.tls.certresolver`]).toBe("le");
    });
  }

  it("every policy Traefik mode accepts reaches a documented middleware or load-balancer key", () => {
    const full = traefikLabelsFor(POLICIES["sticky cookie, retries, circuit breaker, rate limit"]!);
    const forms = new Set(Object.keys(full).map(documentedForm));
    for (const form of [
      "traefik.http.services.<service>.loadbalancer.sticky.cookie.name",
      "traefik.http.middlewares.<middleware>.retry.attempts",
      "traefik.http.middlewares.<middleware>.circuitbreaker.expression",
      "traefik.http.middlewares.<middleware>.ratelimit.average",
      "traefik.http.routers.<router>.middlewares",
    ])
      expect(forms).toContain(form);
    expect(documentedForm("traefik.http.services.shop-pr-7.loadbalancer.strategy")).toBeDefined();
  });

  it("tells a misspelt or Traefik v2 key from a documented one (the check can fail)", () => {
    expect(documentedForm("traefik.http.middlewares.x.retry.attemps")).toBeUndefined();
    expect(documentedForm("traefik.docker.network")).toBeUndefined(); // v2 / before v3.2.2 for Swarm
    expect(documentedForm("traefik.http.middlewares.x.circuitBreaker.fallbackDuration")).toBeDefined();
  });
});
