// What a parsed command may do on this repository's preview: the service must exist in the rendered stack and be
// configured, and the replica count must fit the service's maxReplicas and the preview's quota. Pure.
import type { DeployConfig } from "../config/types.js";
import { commandSettings } from "./settings.js";

/** A /scale count as stored: with the config's replicas when it was set, so a config change wins over it. */
export interface StoredReplicas {
  replicas: number;
  baseline: number;
}

/**
 * The counts a deploy renders. A stored count holds until the config changes that service's replicas (the
 * config is then the newer intent) or stops configuring the service.
 */
export function effectiveReplicas(
  config: DeployConfig,
  stored: Record<string, StoredReplicas>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, s] of Object.entries(stored)) {
    const service = config.services[name];
    if (service && service.replicas === s.baseline) out[name] = Math.min(s.replicas, service.maxReplicas);
  }
  return out;
}

export function serviceProblem(service: string, renderedServices: readonly string[]): string | undefined {
  if (renderedServices.includes(service)) return undefined;
  return `service '${service}' is not in this preview's stack (services: ${renderedServices.join(", ")})`;
}

/** Why `/scale service replicas` is refused, or undefined when it may run. */
export function scaleProblem(
  config: DeployConfig,
  renderedServices: readonly string[],
  current: Record<string, number>,
  service: string,
  replicas: number,
): string | undefined {
  const missing = serviceProblem(service, renderedServices);
  if (missing) return missing;
  const cfg = config.services[service];
  if (!cfg) return `service '${service}' is not configured in ${config.file}, so Berth does not scale it`;
  if (replicas > cfg.maxReplicas)
    return `${replicas} replicas is over the limit for '${service}' (maxReplicas ${cfg.maxReplicas} in ${config.file})`;
  const quota = commandSettings(config).replicaQuota;
  const total = Object.keys(config.services).reduce(
    (sum, name) => sum + (name === service ? replicas : (current[name] ?? config.services[name]!.replicas)),
    0,
  );
  if (total > quota)
    return `the preview would run ${total} replicas in all, over its quota of ${quota} (commands.replicaQuota in ${config.file})`;
  return undefined;
}

export function tailProblem(config: DeployConfig, tail: number): string | undefined {
  const max = commandSettings(config).logTailMax;
  return tail > max
    ? `--tail ${tail} is over the limit of ${max} lines (commands.logTailMax in ${config.file})`
    : undefined;
}
