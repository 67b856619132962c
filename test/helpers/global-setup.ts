// Integration and e2e tests read the local infrastructure's coordinates from the env file that
// scripts/infra/up.sh writes (npm test runs it in pretest). Unit tests need none of it, so a missing file is not an
// error here; test/helpers/infra.ts fails loudly when an integration test asks for it.
import { readFileSync, existsSync } from "node:fs";

export const INFRA_ENV_FILE = process.env.BERTH_INFRA_ENV ?? "/var/lib/berth-dev/env";

export default function setup(): void {
  if (!existsSync(INFRA_ENV_FILE)) return;
  for (const line of readFileSync(INFRA_ENV_FILE, "utf8").split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m && process.env[m[1]!] === undefined) process.env[m[1]!] = m[2]!;
  }
}
