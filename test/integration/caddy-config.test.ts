// The edge config Berth renders, checked by the Caddy it will run (Debian's caddy 2.6, `caddy validate`): every
// traffic policy the schema accepts for caddy mode loads, field names and all. Caddy only parses and provisions here;
// it listens nowhere.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { edgeConfig, type EdgeRoute } from "../../app/core/routing/edge-route.js";
import { DEFAULT_EDGE } from "../../app/core/routing/edge-defaults.js";
import type { TrafficPolicy } from "../../app/core/config/types.js";

const POLICIES: TrafficPolicy[] = [
  {},
  { loadBalancing: "round-robin" },
  { loadBalancing: "least-connections", retries: { budget: "5s" } },
  { loadBalancing: "sticky-cookie", stickyCookie: "pin", retries: { budget: "2s", interval: "100ms" } },
  { timeouts: { connect: "1s", response: "30s" }, circuitBreaker: { failures: 3, window: "30s" } },
];

function validate(config: unknown): { ok: boolean; out: string } {
  const dir = mkdtempSync(join(tmpdir(), "berth-caddy-"));
  const file = join(dir, "caddy.json");
  writeFileSync(file, JSON.stringify(config));
  try {
    const out = execFileSync("caddy", ["validate", "--config", file], {
      env: { PATH: process.env.PATH, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    return { ok: true, out: out.toString() };
  } catch (err) {
    return { ok: false, out: String((err as { stderr?: Buffer }).stderr ?? err) };
  }
}

describe("the Caddy edge config Berth renders", () => {
  it("validates with caddy 2.6 for every policy caddy mode accepts", () => {
    const routes: EdgeRoute[] = POLICIES.map((policy, i) => ({
      stack: `edgecfg-pr-${1400 + i}`,
      host: `edgecfg-pr-${1400 + i}.edge.test`,
      upstream: `edgecfg-pr-${1400 + i}_web`,
      port: 8080,
      policy,
    }));
    for (const tls of ["internal", "acme"] as const) {
      const result = validate(edgeConfig({ ...DEFAULT_EDGE, tls, acmeEmail: "ops@example.com" }, routes));
      expect(result.ok, result.out).toBe(true);
    }
  });

  it("is refused by caddy when a field does not exist (the check can fail)", () => {
    const config = edgeConfig(DEFAULT_EDGE, [
      { stack: "edgecfg-pr-1410", host: "edgecfg-pr-1410.edge.test", upstream: "edgecfg-pr-1410_web", port: 8080 },
    ]) as { apps: { http: { servers: { berth: { routes: { handle: Record<string, unknown>[] }[] } } } } };
    config.apps.http.servers.berth.routes[0]!.handle[0]!.load_balancing = { selection_policy: { policy: "nope" } };
    expect(validate(config).ok).toBe(false);
  });
});
