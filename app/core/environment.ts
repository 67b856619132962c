// Names of one app's environments. Everything here is derived from the validated app name and a PR number, so
// a stack name never contains text a PR author chose.
import type { EnvironmentRef } from "./environment-types.js";
import { assertSwarmName } from "./swarm-names.js";
import { FinalError } from "../errors.js";

function checkApp(app: string): string {
  return assertSwarmName(app, "app name");
}

export function assertPullRequestNumber(pr: number): number {
  if (!Number.isSafeInteger(pr) || pr < 1) {
    throw new FinalError(`pull request number must be a positive whole number, got ${JSON.stringify(pr)}`);
  }
  return pr;
}

/** PR #123 → GitHub environment "pr-123": the one place a preview's name is spelled. */
export function previewName(pr: number): string {
  return `pr-${assertPullRequestNumber(pr)}`;
}

/** PR #123 of app shop → environment "pr-123", stack "shop-pr-123". */
export function previewEnvironment(app: string, pr: number): EnvironmentRef {
  const name = previewName(pr);
  const stack = assertSwarmName(`${checkApp(app)}-${name}`, "stack name");
  return { kind: "preview", name, stack, pr };
}

export function stagingEnvironment(app: string): EnvironmentRef {
  return { kind: "staging", name: "staging", stack: assertSwarmName(`${checkApp(app)}-staging`, "stack name") };
}

export function productionEnvironment(app: string): EnvironmentRef {
  return { kind: "production", name: "production", stack: checkApp(app) };
}

export function branchEnvironment(environment: "staging" | "production", app: string): EnvironmentRef {
  return environment === "staging" ? stagingEnvironment(app) : productionEnvironment(app);
}
