// The KEY=VALUE file scripts/infra/up.sh writes with the local infrastructure's coordinates.
import { existsSync, readFileSync } from "node:fs";

export const INFRA_ENV_FILE = process.env.BERTH_INFRA_ENV ?? "/var/lib/berth-dev/env";

export function parseEnvLines(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!.replace(/^"(.*)"$/, "$1"); // up.sh quotes values so the file can be sourced by a shell
  }
  return out;
}

/** Throws with the command to run when the infrastructure was never brought up. */
export function readInfraEnv(path = INFRA_ENV_FILE): Record<string, string> {
  if (!existsSync(path)) throw new Error(`${path} is missing: run 'bash scripts/infra/up.sh' first`);
  return parseEnvLines(readFileSync(path, "utf8"));
}
