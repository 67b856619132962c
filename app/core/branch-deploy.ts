// Which branch environment a pushed ref deploys: the configured staging branch → staging, a tag matching the
// production pattern → production, anything else → nothing. Pure: the webhook handler and the job both ask.
import type { DeployConfig } from "./config/types.js";

export type BranchEnvironment = "staging" | "production";

export function environmentForRef(
  config: Pick<DeployConfig, "staging" | "production">,
  ref: string,
): BranchEnvironment | undefined {
  if (ref.startsWith("refs/heads/")) {
    const branch = ref.slice("refs/heads/".length);
    return config.staging.enabled && branch === config.staging.branch ? "staging" : undefined;
  }
  if (ref.startsWith("refs/tags/")) {
    const tag = ref.slice("refs/tags/".length);
    return config.production.enabled && tagMatches(config.production.tagPattern, tag) ? "production" : undefined;
  }
  return undefined;
}

/** The pattern must match the whole tag: "v1" in a pattern ^v[0-9]+ must not let "v1-rc-broken" through by prefix. */
export function tagMatches(pattern: string, tag: string): boolean {
  const m = new RegExp(pattern).exec(tag);
  return m !== null && m.index === 0 && m[0].length === tag.length;
}
