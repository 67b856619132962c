// A service's traffic policy as the parts of Caddy's reverse_proxy handler (JSON config, Caddy 2.6 field names).
import type { TrafficPolicy } from "../config/types.js";
import { durationMs } from "./durations.js";

export const DEFAULT_STICKY_COOKIE = "berth_sticky";
const DEFAULT_TRY_INTERVAL_MS = 250;

type Json = Record<string, unknown>;

/** Caddy durations in JSON are nanoseconds (or strings); integers keep the config comparable byte for byte. */
const ns = (ms: number) => ms * 1_000_000;

export function caddyPolicy(policy: TrafficPolicy | undefined): {
  loadBalancing: Json;
  healthChecks?: Json;
  transport: Json;
} {
  const p = policy ?? {};
  const selection =
    p.loadBalancing === "least-connections"
      ? { policy: "least_conn" }
      : p.loadBalancing === "sticky-cookie"
        ? // Caddy 2.6: a request without the cookie gets a random task and the cookie (no `fallback` before 2.7).
          { policy: "cookie", name: p.stickyCookie ?? DEFAULT_STICKY_COOKIE }
        : { policy: "round_robin" };
  const loadBalancing: Json = { selection_policy: selection };
  if (p.retries) {
    loadBalancing.try_duration = ns(durationMs(p.retries.budget));
    loadBalancing.try_interval = ns(p.retries.interval ? durationMs(p.retries.interval) : DEFAULT_TRY_INTERVAL_MS);
  }
  const transport: Json = { protocol: "http" };
  if (p.timeouts?.connect) transport.dial_timeout = ns(durationMs(p.timeouts.connect));
  if (p.timeouts?.response) transport.response_header_timeout = ns(durationMs(p.timeouts.response));
  const healthChecks = p.circuitBreaker
    ? {
        passive: {
          max_fails: p.circuitBreaker.failures,
          fail_duration: ns(durationMs(p.circuitBreaker.window)),
          // A one-digit code matches its class in Caddy: 5 = any 5xx.
          unhealthy_status: [5],
        },
      }
    : undefined;
  return { loadBalancing, transport, ...(healthChecks ? { healthChecks } : {}) };
}
