// An environment named by a person (CLI, Action input): "pr-12", "staging" or "production" → the same EnvironmentRef
// the jobs build, so a command aimed at "pr-12" touches exactly the stack a PR #12 deploy made.
import type { EnvironmentRef } from "./environment-types.js";
import { previewEnvironment, productionEnvironment, stagingEnvironment } from "./environment.js";
import { FinalError } from "../errors.js";

export const ENVIRONMENT_NAMES = "pr-<N>, staging or production";

export function environmentNamed(app: string, name: string): EnvironmentRef {
  if (name === "staging") return stagingEnvironment(app);
  if (name === "production") return productionEnvironment(app);
  const pr = /^pr-([1-9][0-9]{0,9})$/.exec(name);
  if (pr) return previewEnvironment(app, Number(pr[1]));
  throw new FinalError(`environment must be ${ENVIRONMENT_NAMES}, got ${JSON.stringify(name.slice(0, 40))}`);
}
