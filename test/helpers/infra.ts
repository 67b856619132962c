// Coordinates of the local infrastructure (scripts/infra/up.sh writes them to /var/lib/berth-dev/env).
import type { SshTarget } from "../../app/core/config/types.js";

export { INFRA_ENV_FILE, readInfraEnv as infraEnv } from "../../scripts/lib/infra-env.js";
import { readInfraEnv as infraEnv } from "../../scripts/lib/infra-env.js";

export function sshTarget(): SshTarget {
  const env = infraEnv();
  return {
    host: env.BERTH_SSH_HOST!,
    port: Number(env.BERTH_SSH_PORT),
    user: env.BERTH_SSH_USER!,
    privateKeyPath: env.BERTH_SSH_KEY_PATH!,
    hostKey: env.BERTH_SSH_HOST_KEY!,
  };
}
