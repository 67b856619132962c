// Quotas applied at render time: the environment's kind quota, then the repository's quota counting what the
// repository's other live environments already use. A refusal is a ConfigError, reported as a failing check.
import type { DeployConfig } from "../config/types.js";
import type { EnvironmentRef } from "../environment-types.js";
import { ConfigError } from "../../errors.js";
import { quotaProblems, servicesUsage, type Usage } from "../policy/quotas.js";

export function checkQuotas(
  config: DeployConfig,
  environment: EnvironmentRef,
  replicas: Record<string, number>,
  otherUsage?: Usage,
): void {
  const quotas = config.quotas ?? {};
  const services = servicesUsage(config, replicas);
  const found = [
    ...quotaProblems(services, quotas[environment.kind], environment.kind),
    ...(otherUsage ? quotaProblems(services, quotas.repository, "repository", otherUsage) : []),
  ];
  if (found.length === 0) return;
  throw new ConfigError(
    `${config.file}: ${environment.stack} exceeds its quota: ${found.map((p) => p.message).join("; ")}`,
    found.map((p) => ({ file: config.file, line: 1, col: 1, path: p.path, message: p.message })),
  );
}
