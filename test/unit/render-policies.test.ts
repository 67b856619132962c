import { describe, expect, it } from "vitest";
import { traefikLabels, validateTraefikLabels } from "../../app/core/render/index.js";
import { durationMs, monitorFor, publishesHostPort, updatePolicies } from "../../app/core/render/update-policy.js";

describe("update policy", () => {
  it("reads compose durations", () => {
    expect(durationMs("1m30s")).toBe(90_000);
    expect(durationMs("500ms")).toBe(500);
    expect(durationMs("1h")).toBe(3_600_000);
    expect(durationMs(2)).toBe(2000);
    expect(durationMs("2 s")).toBeUndefined();
    expect(durationMs("abc")).toBeUndefined();
  });

  it("monitors for start_period + interval × retries, with Docker's defaults and a 5 s floor", () => {
    expect(monitorFor({ test: ["CMD", "true"], interval: "2s", retries: 3, start_period: "5s" })).toBe("11s");
    expect(monitorFor({ test: ["CMD", "true"] })).toBe("90s"); // interval 30s × retries 3
    expect(monitorFor({ test: ["CMD", "true"], interval: "1s", retries: 1 })).toBe("5s");
    expect(monitorFor({ test: ["CMD", "true"], interval: "1500ms", retries: 3 })).toBe("5s");
    expect(monitorFor({ test: ["CMD", "true"], interval: "1500ms", retries: 5 })).toBe("8s");
    expect(monitorFor(undefined)).toBe("10s");
    expect(monitorFor({ test: ["NONE"] })).toBe("10s");
    expect(monitorFor({ disable: true })).toBe("10s");
  });

  it("stops first only when a host-mode port is published", () => {
    expect(publishesHostPort([{ target: 80, published: 8080, mode: "host" }])).toBe(true);
    expect(publishesHostPort([{ target: 80, published: 8080 }, "9000:90"])).toBe(false);
    expect(updatePolicies({ ports: [{ target: 80, published: 1, mode: "host" }] }, {}).update_config.order).toBe(
      "stop-first",
    );
    expect(updatePolicies({}, { update: { delay: "5s", order: "stop-first", failure_action: "pause" } })).toEqual({
      update_config: { delay: "5s", parallelism: 1, order: "start-first", failure_action: "rollback", monitor: "10s" },
      rollback_config: { parallelism: 1, order: "start-first", failure_action: "pause", monitor: "10s" },
    });
  });
});

describe("Traefik label validation", () => {
  const good = traefikLabels({
    name: "shop-pr-1",
    host: "shop-pr-1.preview.example.com",
    port: 8080,
    entrypoint: "websecure",
    tls: true,
    certResolver: "le",
    network: "traefik-public",
  });

  it("accepts what Berth renders", () => {
    expect(validateTraefikLabels(good)).toEqual([]);
    expect(good["traefik.http.routers.shop-pr-1.tls.certresolver"]).toBe("le");
  });

  it("rejects malformed rules, ports, names and unknown keys", () => {
    const bad = {
      ...good,
      "traefik.http.routers.shop-pr-1.rule": "Host(`Evil.com`) || PathPrefix(`/`)",
      "traefik.http.services.shop-pr-1.loadbalancer.server.port": "70000",
      "traefik.swarm.lbswarm": "true",
      "traefik.http.middlewares.x.basicauth.users": "a:b",
    };
    expect(validateTraefikLabels(bad)).toEqual([
      'label traefik.swarm.lbswarm="true" must be false (dnsrr services have no VIP)',
      'label traefik.http.routers.shop-pr-1.rule="Host(`Evil.com`) || PathPrefix(`/`)" must be Host(`<lower-case host name>`)',
      'label traefik.http.services.shop-pr-1.loadbalancer.server.port="70000" must be a port 1-65535',
      "label traefik.http.middlewares.x.basicauth.users is not one Berth renders",
    ]);
  });

  it("requires a service port, the network and a router whose service exists", () => {
    expect(validateTraefikLabels({ "traefik.enable": "true", "traefik.http.routers.a.service": "b" })).toEqual([
      "traefik.enable=true but no router rule",
      "traefik.http.routers.a.service points at service b, which has no loadbalancer.server.port label",
      "a Swarm service needs traefik.http.services.<name>.loadbalancer.server.port",
      "traefik.swarm.network is required so Traefik picks the shared network",
    ]);
    expect(validateTraefikLabels({ "traefik.enable": "false" })).toEqual([]);
  });
});
