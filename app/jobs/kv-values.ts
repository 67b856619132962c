// {{kv.<name>}} values for one environment, read from the registry's KV store before rendering so the renderer
// stays pure. Read only when the template or the config references one: a deploy that uses none never depends on
// the registry. A registry that cannot be read throws (the job retries); a missing key is the renderer's to report.
import type { DeployConfig } from "../core/config/types.js";
import type { EnvironmentRef } from "../core/environment-types.js";
import type { ConfigSource } from "../ports/config-source.js";
import type { ServiceRegistry } from "../ports/service-registry.js";
import { kvReferences, type KvValues } from "../core/render/variables.js";
import { templateKvReferences } from "../core/render/template-document.js";
import { registryKeys } from "../core/discovery/entries.js";

/** Whether rendering this config with this template text needs KV values. */
export function referencesKv(config: DeployConfig, templateText: string): boolean {
  if (templateKvReferences(templateText).length > 0) return true;
  return Object.values(config.services).some(
    (s) => kvReferences(s.image).length > 0 || Object.values(s.env).some((v) => kvReferences(v).length > 0),
  );
}

export async function kvValuesFor(
  deps: { configs: ConfigSource; registry?: ServiceRegistry },
  config: DeployConfig,
  environment: EnvironmentRef,
): Promise<KvValues | undefined> {
  if (!deps.registry) return undefined;
  let text: string;
  try {
    text = (await deps.configs.template(config.template)).text;
  } catch {
    return undefined; // the render that follows reports the template itself
  }
  if (!referencesKv(config, text)) return undefined;
  return {
    prefix: registryKeys.valuesPrefix(config.repository, environment.name),
    values: await deps.registry.values(config.repository, environment.name),
    backend: deps.registry.backend,
  };
}
