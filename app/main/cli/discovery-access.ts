// Commands that read the service registry (discovery, render's {{kv.…}} values) open the one BERTH_DISCOVERY names,
// exactly as the worker would, and always close it.
import type { ServiceRegistry } from "../../ports/service-registry.js";
import { discoveryFromEnv } from "../env.js";
import { registryFor } from "../registry-for.js";
import { CliFailure } from "./command.js";
import type { ConfigSource } from "../../ports/config-source.js";
import type { DeployConfig } from "../../core/config/types.js";
import type { EnvironmentRef } from "../../core/environment-types.js";
import type { KvValues } from "../../core/render/variables.js";
import { kvValuesFor } from "../../jobs/kv-values.js";

export const discoveryEnvironmentNote =
  "Reads BERTH_DISCOVERY (etcd or consul) with BERTH_ETCD_ENDPOINTS or BERTH_CONSUL_URL (and BERTH_CONSUL_TOKEN), like the bot.";

/** The configured registry, or undefined when BERTH_DISCOVERY is unset/none; bad settings are a CliFailure. */
export function configuredRegistry(env: Record<string, string | undefined>): ServiceRegistry | undefined {
  const { discovery, problems } = discoveryFromEnv(env);
  if (problems.length > 0) throw new CliFailure(problems.join(" "));
  return registryFor(discovery);
}

export async function withRegistry<T>(
  env: Record<string, string | undefined>,
  fn: (registry: ServiceRegistry) => Promise<T>,
): Promise<T> {
  const registry = configuredRegistry(env);
  if (!registry)
    throw new CliFailure(
      "no service registry configured: set BERTH_DISCOVERY=etcd with BERTH_ETCD_ENDPOINTS, or BERTH_DISCOVERY=consul with BERTH_CONSUL_URL",
    );
  try {
    return await fn(registry);
  } finally {
    await registry.close();
  }
}

/** {{kv.…}} values for render and plan, read as a deploy would (only when referenced and a registry is set). */
export async function kvValuesForCli(
  env: Record<string, string | undefined>,
  source: ConfigSource,
  config: DeployConfig,
  environment: EnvironmentRef,
): Promise<KvValues | undefined> {
  const registry = configuredRegistry(env);
  if (!registry) return undefined;
  try {
    return await kvValuesFor({ configs: source, registry }, config, environment);
  } catch (err) {
    throw new CliFailure(`cannot read {{kv.…}} values from ${registry.backend}: ${(err as Error).message}`);
  } finally {
    await registry.close();
  }
}
