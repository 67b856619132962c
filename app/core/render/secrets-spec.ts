// Secrets in the rendered stack: each one the config mounts is an external Swarm secret (created beforehand under
// its content-hashed name, because Swarm secrets are immutable) mounted at /run/secrets/<name>. The compose file
// carries names only, never values.
import type { DeployConfig } from "../config/types.js";
import { FinalError } from "../../errors.js";
import type { Json } from "./compose-values.js";

export interface SecretsSpec {
  /** Top-level `secrets:` entries, keyed by the config's secret name. */
  top: Json;
  /** Per service: the `secrets:` list to set. */
  mounts: Record<string, Json[]>;
}

export function secretsSpec(config: DeployConfig, swarmNames: Record<string, string> | undefined): SecretsSpec {
  const top: Json = {};
  const mounts: Record<string, Json[]> = {};
  if (!swarmNames) return { top, mounts };
  for (const [service, s] of Object.entries(config.services)) {
    for (const name of s.secrets ?? []) {
      const swarmName = swarmNames[name];
      // The job creates every secret the config mounts before rendering; a gap is a bug, not a user mistake.
      if (!swarmName) throw new FinalError(`secret '${name}' of service '${service}' was not created before rendering`);
      top[name] = { external: true, name: swarmName };
      (mounts[service] ??= []).push({ source: name, target: name, mode: 0o400 });
    }
  }
  return { top, mounts };
}
