// Secret values from the bot's environment or files on the bot's machine. The repository under test has no say:
// the deploy config lives in the bot's own deploy-configs/ and only names where a value comes from.
import { readFile } from "node:fs/promises";
import type { SecretSource } from "../../ports/secrets.js";
import type { KnownSecrets } from "./known-secrets.js";
import { FinalError } from "../../errors.js";
import { MIN_SECRET_LENGTH } from "../../core/report/redact.js";

export function createSecretSource(opts: {
  variables: Record<string, string | undefined>;
  known: KnownSecrets;
}): SecretSource {
  return {
    async valuesFor(config) {
      const out: Record<string, string> = {};
      for (const [name, source] of Object.entries(config.secrets ?? {})) {
        let value: string;
        if (source.env !== undefined) {
          const v = opts.variables[source.env];
          if (v === undefined || v === "")
            throw new FinalError(
              `secret '${name}' (${config.file}): ${source.env} is not set in the bot's environment; set it and redeploy`,
            );
          value = v;
        } else {
          try {
            value = await readFile(source.file!, "utf8");
          } catch (err) {
            throw new FinalError(
              `secret '${name}' (${config.file}): cannot read ${source.file} on the bot's machine (${(err as NodeJS.ErrnoException).code ?? "error"}); create it or fix the path`,
            );
          }
        }
        if (value.length < MIN_SECRET_LENGTH) {
          // A short value would black out ordinary words in every log and message, or not be redacted at all.
          throw new FinalError(
            `secret '${name}' (${config.file}) is shorter than ${MIN_SECRET_LENGTH} characters; Berth cannot keep it out of logs reliably. Use a longer value`,
          );
        }
        opts.known.add(value);
        out[name] = value;
      }
      return out;
    },
  };
}
