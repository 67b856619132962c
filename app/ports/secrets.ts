import type { DeployConfig } from "../core/config/types.js";

/** Secret values named by a deploy config, from the bot's own environment or files, never from the repository. */
export interface SecretSource {
  /** Config secret name → value, for every secret the config declares. Throws FinalError saying what is missing. */
  valuesFor(config: DeployConfig): Promise<Record<string, string>>;
}
