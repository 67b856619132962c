// Render an environment's stack the way a deploy would, for render, plan and the Action. Secret values are read only
// when asked (plan, deploy): render shows where the content-hashed names go without touching a value.
import type { DeployConfig } from "../../core/config/types.js";
import type { EnvironmentRef } from "../../core/environment-types.js";
import type { ConfigSource } from "../../ports/config-source.js";
import type { ConfigProblem } from "../../core/config/types.js";
import { renderStack, type RenderedStack } from "../../core/render/index.js";
import type { KvValues } from "../../core/render/variables.js";
import { secretSwarmName } from "../../core/secret-names.js";
import { configProblemsFrom } from "../../jobs/config-problems.js";
import { createSecretSource } from "../../adapters/secrets/env-file-secrets.js";
import { KnownSecrets } from "../../adapters/secrets/known-secrets.js";

export class RenderProblems extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map((p) => p.message).join("; "));
  }
}

export interface SecretPlan {
  /** Config secret name → Swarm secret name. */
  names: Record<string, string>;
  /** Values, when read (deploys create the secrets from them). */
  values: Record<string, string>;
  /** Why the names are placeholders, when values could not be read. */
  unknown?: string;
}

/** Secret names as a deploy would make them; placeholders when the values are not read or not available. */
export async function secretPlan(
  config: DeployConfig,
  environment: EnvironmentRef,
  variables: Record<string, string | undefined>,
  readValues: boolean,
  known = new KnownSecrets(),
): Promise<SecretPlan> {
  const declared = Object.keys(config.secrets ?? {});
  const placeholders = Object.fromEntries(declared.map((n) => [n, `${environment.stack}_${n}_<content-hash>`]));
  if (declared.length === 0) return { names: {}, values: {} };
  if (!readValues) return { names: placeholders, values: {}, unknown: "values not read" };
  try {
    const values = await createSecretSource({ variables, known }).valuesFor(config);
    const names = Object.fromEntries(
      Object.entries(values).map(([n, v]) => [n, secretSwarmName(environment.stack, n, v)]),
    );
    return { names, values };
  } catch (e) {
    return { names: placeholders, values: {}, unknown: (e as Error).message };
  }
}

export async function renderEnvironment(args: {
  config: DeployConfig;
  source: ConfigSource;
  environment: EnvironmentRef;
  sha: string;
  secrets: Record<string, string>;
  replicas?: Record<string, number>;
  /** {{kv.…}} values read from the registry (absent: a reference is reported as a problem). */
  kv?: KvValues;
}): Promise<RenderedStack> {
  try {
    const template = await args.source.template(args.config.template);
    return renderStack({
      config: args.config,
      templateFile: template.file,
      templateText: template.text,
      environment: args.environment,
      sha: args.sha,
      secrets: args.secrets,
      ...(args.replicas ? { replicas: args.replicas } : {}),
      ...(args.kv ? { kv: args.kv } : {}),
    });
  } catch (e) {
    throw new RenderProblems(configProblemsFrom(e, args.config.file));
  }
}
