// Secrets for staging and production, as previews have them: the values come from the bot's secret source, each is
// created on the Swarm under a content-hashed name before the stack that refers to it is deployed (the value goes over
// stdin), and once the deploy is healthy the stack's older secrets are removed. A rollback's recorded stack refers to
// the names of its day: a secret whose value has not changed since has the same name and is created again if missing.
import type { DeployConfig } from "../core/config/types.js";
import type { EnvironmentRef } from "../core/environment-types.js";
import type { JobDeps } from "./deps.js";
import { previewSecrets } from "./preview-policies.js";

/** Creates the secrets the stack YAML refers to; returns their Swarm names (to keep when pruning). */
export async function ensureEnvironmentSecrets(
  config: DeployConfig,
  environment: EnvironmentRef,
  yaml: string,
  deps: JobDeps,
): Promise<string[]> {
  const { values, names } = await previewSecrets(config, environment, deps);
  const swarm = deps.swarmFor(config.ssh);
  const used: string[] = [];
  for (const [name, swarmName] of Object.entries(names)) {
    if (!yaml.includes(swarmName)) continue;
    await swarm.ensureSecret(swarmName, values[name]!, {
      "berth.repository": config.repository,
      "berth.environment": environment.name,
      "berth.stack": environment.stack,
    });
    used.push(swarmName);
  }
  return used;
}
