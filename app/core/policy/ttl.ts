import type { DeployConfig } from "../config/types.js";

/** The schema's default for preview.ttlSeconds, for configs built in code that leave it out. */
const DEFAULT_TTL_SECONDS = 72 * 3600;

/** How long a preview may stay idle (no push, no command) before the sweeper removes it. */
export function previewTtlSeconds(config: DeployConfig): number {
  return config.preview.ttlSeconds ?? DEFAULT_TTL_SECONDS;
}
