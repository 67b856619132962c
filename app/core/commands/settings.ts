// The `commands:` section with every default filled, also when a config leaves it out (or was built in code).
import type { CommandsConfig, DeployConfig } from "../config/types.js";

export const COMMAND_DEFAULTS: CommandsConfig = {
  enabled: true,
  roles: {},
  require: {},
  replicaQuota: 10,
  logTailDefault: 50,
  logTailMax: 500,
};

export function commandSettings(config: DeployConfig): CommandsConfig {
  const c = { ...COMMAND_DEFAULTS, ...config.commands };
  return { ...c, logTailDefault: Math.min(c.logTailDefault, c.logTailMax) };
}
