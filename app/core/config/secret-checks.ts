// Secrets rules the schema cannot express: a service mounts only declared secrets, and every Swarm secret name the
// config can produce fits Swarm's 64-character limit.
import type { DeployConfig } from "./types.js";
import type { SchemaMessage } from "./schema-messages.js";
import { pointerFrom } from "./yaml-positions.js";
import { longestSecretNameLength, SECRET_NAME_MAX } from "../secret-names.js";

const LONGEST_PREVIEW_SUFFIX = "-pr-99999";

export function secretProblems(config: Omit<DeployConfig, "file">): SchemaMessage[] {
  const out: SchemaMessage[] = [];
  const declared = Object.keys(config.secrets ?? {});
  for (const [service, s] of Object.entries(config.services)) {
    (s.secrets ?? []).forEach((name, i) => {
      if (!declared.includes(name)) {
        const known = declared.length ? `declared: ${declared.join(", ")}` : "none is declared";
        out.push({
          pointer: pointerFrom(["services", service, "secrets", String(i)]),
          at: "value",
          message: `secret '${name}' is not declared under the top-level 'secrets' (${known}); add it there with env or file`,
        });
      }
    });
  }
  for (const name of declared) {
    const length = longestSecretNameLength(`${config.app}${LONGEST_PREVIEW_SUFFIX}`, name);
    if (length > SECRET_NAME_MAX) {
      out.push({
        pointer: pointerFrom(["secrets", name]),
        at: "key",
        message: `the Swarm secret for '${name}' would be named with ${length} characters (limit ${SECRET_NAME_MAX}); shorten the secret's name or 'app'`,
      });
    }
  }
  return out;
}
