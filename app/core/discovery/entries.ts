// The registry entries of one healthy environment: one per service of the stack, named so clients can look up
// "<app>-<service>" and tell environments apart by tag and metadata. Pure: the job passes what it deployed.
import type { DeployConfig } from "../config/types.js";
import type { RegistryEntry } from "../../ports/service-registry.js";
import type { ServiceStatus } from "../../ports/swarm.js";

const CHECK_INTERVAL_SECONDS = 10;
const CHECK_TIMEOUT_SECONDS = 5;

export interface HealthyEnvironment {
  config: DeployConfig;
  stack: string;
  environment: string;
  sha: string;
  url: string;
  /** Short service names of the stack (template order). */
  services: readonly string[];
}

export function registryEntries(env: HealthyEnvironment): RegistryEntry[] {
  return env.services.map((service) => {
    const settings = env.config.services[service];
    const address = `${env.stack}_${service}`;
    const port = settings?.port;
    return {
      id: address,
      name: `${env.config.app}-${service}`,
      address,
      ...(port === undefined ? {} : { port }),
      tags: ["berth", env.environment, env.config.app, ...(settings?.public ? ["public"] : [])],
      meta: {
        repository: env.config.repository,
        environment: env.environment,
        sha: env.sha,
        url: env.url,
        stack: env.stack,
        service,
      },
      ...(port === undefined
        ? {}
        : {
            check: {
              http: `http://${address}:${port}${settings?.healthPath ?? "/"}`,
              intervalSeconds: CHECK_INTERVAL_SECONDS,
              timeoutSeconds: CHECK_TIMEOUT_SECONDS,
            },
          }),
    };
  });
}

/** Keys in the registry's KV store (etcd and Consul alike). */
export const registryKeys = {
  servicePrefix: "berth/services/",
  environmentPrefix: (repository: string, environment: string) =>
    `berth/services/${repository.toLowerCase()}/${environment}/`,
  service: (repository: string, environment: string, service: string) =>
    `berth/services/${repository.toLowerCase()}/${environment}/${service}`,
  /** Configuration values a repository's environment may read in templates and config values: {{kv.<name>}}. */
  valuesPrefix: (repository: string, environment: string) => `berth/${repository.toLowerCase()}/${environment}/`,
};

// rollback_completed is settled: the previous spec runs again, healthy, and its labels (berth.sha) say which.
const UNSETTLED = new Set(["updating", "paused", "rollback_started", "rollback_paused"]);

/** Every service runs its desired tasks on its current spec, no update or rollback under way: healthy enough to
 * be registered by the reconciliation pass. */
export function isSettled(services: readonly ServiceStatus[]): boolean {
  return (
    services.length > 0 &&
    services.every((s) => s.running === s.desired && !UNSETTLED.has(s.updateState ?? "completed"))
  );
}

/** What the registry should hold vs what it holds: ids to add (or refresh) and ids to remove. */
export function reconcilePlan(
  desired: readonly RegistryEntry[],
  actual: readonly RegistryEntry[],
): { register: RegistryEntry[]; remove: RegistryEntry[] } {
  const have = new Map(actual.map((e) => [e.id, canonical(e)]));
  const want = new Set(desired.map((e) => e.id));
  return {
    register: desired.filter((e) => have.get(e.id) !== canonical(e)),
    remove: actual.filter((e) => !want.has(e.id)),
  };
}

// Backends hand entries back with their own key order (Consul rebuilds them from Meta): compare content, not order.
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value);
}
