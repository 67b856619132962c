// A service's traffic policy as Traefik v3 labels: load-balancer options on the service, the rest as middlewares
// (retry, circuitbreaker, ratelimit) chained on the router. Traefik cannot run here: the labels are checked against
// the documented names by validateTraefikLabels.
import type { TrafficPolicy } from "../config/types.js";
import { durationMs } from "./durations.js";
import { DEFAULT_STICKY_COOKIE } from "./caddy-policy.js";

const DEFAULT_INTERVAL_MS = 250;
/** Trip when half of the last responses were 5xx or network errors (Traefik's breaker is ratio-based). */
const BREAKER_EXPRESSION = "NetworkErrorRatio() > 0.50 || ResponseCodeRatio(500, 600, 0, 600) > 0.50";

const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);

export function traefikPolicyLabels(name: string, policy: TrafficPolicy | undefined): Record<string, string> {
  if (!policy) return {};
  const labels: Record<string, string> = {};
  const service = `traefik.http.services.${name}.loadbalancer`;
  const middleware = (suffix: string) => `traefik.http.middlewares.${name}-${suffix}`;
  const chain: string[] = [];
  if (policy.loadBalancing === "sticky-cookie") {
    labels[`${service}.sticky.cookie`] = "true";
    labels[`${service}.sticky.cookie.name`] = policy.stickyCookie ?? DEFAULT_STICKY_COOKIE;
  }
  if (policy.loadBalancing === "least-connections") labels[`${service}.strategy`] = "p2c";
  if (policy.retries) {
    const interval = policy.retries.interval ? durationMs(policy.retries.interval) : DEFAULT_INTERVAL_MS;
    const attempts = Math.max(1, Math.ceil(durationMs(policy.retries.budget) / interval));
    labels[`${middleware("retry")}.retry.attempts`] = String(attempts);
    labels[`${middleware("retry")}.retry.initialInterval`] = seconds(interval);
    chain.push(`${name}-retry`);
  }
  if (policy.circuitBreaker) {
    const window = seconds(durationMs(policy.circuitBreaker.window));
    labels[`${middleware("breaker")}.circuitBreaker.expression`] = BREAKER_EXPRESSION;
    labels[`${middleware("breaker")}.circuitBreaker.fallbackDuration`] = window;
    labels[`${middleware("breaker")}.circuitBreaker.recoveryDuration`] = window;
    chain.push(`${name}-breaker`);
  }
  if (policy.rateLimit) {
    labels[`${middleware("ratelimit")}.rateLimit.average`] = String(policy.rateLimit.average);
    labels[`${middleware("ratelimit")}.rateLimit.burst`] = String(policy.rateLimit.burst ?? policy.rateLimit.average);
    chain.push(`${name}-ratelimit`);
  }
  if (chain.length > 0) labels[`traefik.http.routers.${name}.middlewares`] = chain.join(",");
  return labels;
}
