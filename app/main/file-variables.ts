// NAME_FILE=/run/secrets/x sets NAME to that file's content (one trailing newline dropped), the convention of
// official Docker images: Swarm mounts secrets as files, and Berth (and Probot) read WEBHOOK_SECRET & co. from the
// environment. A variable set directly wins over its _FILE twin.
import { readFileSync } from "node:fs";

export function withFileVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  for (const [name, path] of Object.entries(env)) {
    const m = /^([A-Z][A-Z0-9_]*)_FILE$/.exec(name);
    if (!m || !path || (env[m[1]!] ?? "") !== "") continue;
    try {
      out[m[1]!] = readFileSync(path, "utf8").replace(/\r?\n$/, "");
    } catch (e) {
      throw new Error(`${name}=${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  return out;
}
