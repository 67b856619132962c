import type { ConfigProblem, DeployConfig } from "../core/config/types.js";

export interface RepositoryConfig {
  file: string;
  config?: DeployConfig;
  problems: ConfigProblem[];
}

/** Where deploy configs and templates come from: the bot's own deploy-configs/ and templates/ directories. */
export interface ConfigSource {
  /** The config for a repository (owner/name, case-insensitive), or undefined when Berth is not set up for it. */
  forRepository(repository: string): Promise<RepositoryConfig | undefined>;
  /** A template's text; throws ConfigError (with the path) when it does not exist. */
  template(name: string): Promise<{ file: string; text: string }>;
  /** Every valid config (for work that spans repositories, like keeping the Caddy edge's routes). */
  all?(): Promise<DeployConfig[]>;
}
