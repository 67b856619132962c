import type { ConfigEntry } from "../core/config/index.js";

/** Where deploy configs and templates come from: the bot's own deploy-configs/ and templates/ directories. */
export interface ConfigSource {
  /** The config for a repository (owner/name, case-insensitive), or undefined when Berth is not set up for it. */
  forRepository(repository: string): Promise<ConfigEntry | undefined>;
  /** Every repository's entry (valid or not): the sweeper finds live previews the activity store does not know. */
  all(): Promise<ConfigEntry[]>;
  /** A template's text; throws ConfigError (with the path) when it does not exist. */
  template(name: string): Promise<{ file: string; text: string }>;
}
