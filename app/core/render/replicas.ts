// Replica counts a /scale command persisted. Swarm resets replicas to the file's value on every stack deploy, so
// the count must be rendered into each later deploy; a count above a since-lowered maxReplicas is clamped to it.
import type { DeployConfig } from "../config/types.js";
import { FinalError } from "../../errors.js";

export function clampReplicas(
  config: DeployConfig,
  requested: Record<string, number> | undefined,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, n] of Object.entries(requested ?? {})) {
    const service = config.services[name];
    if (!service)
      throw new FinalError(`replica count given for service '${name}', which ${config.file} does not configure`);
    if (!Number.isSafeInteger(n) || n < 0)
      throw new FinalError(`replica count for '${name}' must be a whole number ≥ 0, got ${n}`);
    out[name] = Math.min(n, service.maxReplicas);
  }
  return out;
}
