// Integration and e2e tests read the local infrastructure's coordinates from the env file that
// scripts/infra/up.sh writes. Missing file = infra not up: fail loudly rather than skip.
import { readFileSync, existsSync } from "node:fs";

export const INFRA_ENV_FILE = process.env.BERTH_INFRA_ENV ?? "/var/lib/berth-dev/env";

export default function setup(): void {
  if (!existsSync(INFRA_ENV_FILE)) {
    throw new Error(`${INFRA_ENV_FILE} not found: run 'bash scripts/infra/up.sh' (npm test does it in pretest).`);
  }
  for (const line of readFileSync(INFRA_ENV_FILE, "utf8").split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m && process.env[m[1]!] === undefined) process.env[m[1]!] = m[2]!.replace(/^"(.*)"$/, "$1");
  }
}
