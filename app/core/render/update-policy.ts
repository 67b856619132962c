// How Swarm replaces tasks on a redeploy. Health-gated and zero-downtime: start the new task first, watch it for
// as long as the healthcheck needs to pass or fail, roll back if it does not. Swarm's own defaults (stop-first,
// failure_action pause, monitor 5s) would drop traffic and leave a broken update paused.

const UNITS_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;

// Docker's defaults when a healthcheck leaves a field out.
const DEFAULT_INTERVAL_MS = 30_000;
const DEFAULT_RETRIES = 3;
const MIN_MONITOR_MS = 5_000;
const NO_HEALTHCHECK_MONITOR_MS = 10_000;

/** Compose/Go duration ("1m30s", "500ms", "2s") in ms; undefined when it is not one. */
export function durationMs(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value * 1000; // bare numbers are seconds in compose
  if (typeof value !== "string" || !DURATION.test(value)) return undefined;
  let total = 0;
  for (const [, amount, unit] of value.matchAll(PART)) total += Number(amount) * UNITS_MS[unit!]!;
  return total;
}

/** How long Swarm watches each updated task: long enough for its healthcheck to fail start_period + interval×retries. */
export function monitorFor(healthcheck: unknown): string {
  const hc = (healthcheck && typeof healthcheck === "object" ? healthcheck : undefined) as
    Record<string, unknown> | undefined;
  const test = hc?.test;
  const disabled = hc?.disable === true || (Array.isArray(test) && test[0] === "NONE");
  if (!hc || disabled) return `${NO_HEALTHCHECK_MONITOR_MS / 1000}s`;
  const interval = durationMs(hc.interval) ?? DEFAULT_INTERVAL_MS;
  const retries = typeof hc.retries === "number" && hc.retries > 0 ? hc.retries : DEFAULT_RETRIES;
  const startPeriod = durationMs(hc.start_period) ?? 0;
  const ms = Math.max(MIN_MONITOR_MS, startPeriod + interval * retries);
  return `${Math.ceil(ms / 1000)}s`;
}

/** A host-mode published port can be held by one task per node: the new task could never start first. */
export function publishesHostPort(ports: unknown): boolean {
  return (
    Array.isArray(ports) &&
    ports.some((p) => p !== null && typeof p === "object" && (p as Record<string, unknown>).mode === "host")
  );
}

export function updatePolicies(
  service: { healthcheck?: unknown; ports?: unknown },
  existing: { update?: unknown; rollback?: unknown },
) {
  const order = publishesHostPort(service.ports) ? "stop-first" : "start-first";
  const monitor = monitorFor(service.healthcheck);
  const base = (v: unknown) => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  return {
    update_config: { ...base(existing.update), parallelism: 1, order, failure_action: "rollback", monitor },
    // A rollback that fails too has nowhere left to go: pause, so a person sees it instead of a loop.
    rollback_config: { ...base(existing.rollback), parallelism: 1, order, failure_action: "pause", monitor },
  };
}
