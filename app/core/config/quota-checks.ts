// A config whose own services already exceed a quota can never deploy: say so when the file is validated (berth
// validate, and the PR's check run with the quota's line), not only when a deploy renders it. /scale and the
// repository total are still checked at render time.
import type { DeployConfig } from "./types.js";
import type { SchemaMessage } from "./schema-messages.js";
import { quotaProblems, servicesUsage } from "../policy/quotas.js";

export function quotaConfigProblems(config: Omit<DeployConfig, "file">): SchemaMessage[] {
  const services = servicesUsage({ ...config, file: "" }, {});
  const out: SchemaMessage[] = [];
  for (const kind of ["preview", "staging", "production"] as const) {
    for (const p of quotaProblems(services, config.quotas?.[kind], kind))
      out.push({ pointer: p.path, at: "value", message: p.message });
  }
  return out;
}
