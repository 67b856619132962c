// SecretSource in memory: values by the env variable (or file path) a config names; a missing one is a FinalError
// that says what to set, as the real source's is.
import type { SecretSource } from "../../../app/ports/secrets.js";
import type { DeployConfig } from "../../../app/core/config/types.js";
import { FinalError } from "../../../app/errors.js";

export class FakeSecretSource implements SecretSource {
  /** Env variable name or file path → value. */
  constructor(readonly values: Record<string, string> = {}) {}

  valuesFor(config: DeployConfig): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const [name, source] of Object.entries(config.secrets ?? {})) {
      const where = source.env ?? source.file;
      const value = this.values[where];
      if (value === undefined || value === "")
        return Promise.reject(
          new FinalError(`secret '${name}' (${config.file}): ${where} is not set in the bot's environment`),
        );
      out[name] = value;
    }
    return Promise.resolve(out);
  }
}
