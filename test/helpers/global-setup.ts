// Integration and e2e tests read the local infrastructure's coordinates from the env file that
// scripts/infra/up.sh writes (npm test runs it in pretest). Unit tests need none of it, so a missing file is not an
// error here; test/helpers/infra.ts fails loudly when an integration test asks for it.
import { existsSync } from "node:fs";
import { INFRA_ENV_FILE, readInfraEnv } from "../../scripts/lib/infra-env.js";

export default function setup(): void {
  if (!existsSync(INFRA_ENV_FILE)) return;
  for (const [key, value] of Object.entries(readInfraEnv())) process.env[key] ??= value;
}
