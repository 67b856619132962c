// Coordinates of the local infrastructure (scripts/infra/up.sh writes them to /var/lib/berth-dev/env).
import { existsSync, readFileSync } from "node:fs";
import type { SshTarget } from "../../app/core/config/types.js";

export const INFRA_ENV_FILE = process.env.BERTH_INFRA_ENV ?? "/var/lib/berth-dev/env";

export function infraEnv(): Record<string, string> {
  if (!existsSync(INFRA_ENV_FILE)) throw new Error(`${INFRA_ENV_FILE} is missing: run 'bash scripts/infra/up.sh' first`);
  const out: Record<string, string> = {};
  for (const line of readFileSync(INFRA_ENV_FILE, "utf8").split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

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
