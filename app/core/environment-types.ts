export type EnvironmentKind = "preview" | "staging" | "production";

/** Everything that names one environment of one app. Derived only from validated parts (app name, PR number). */
export interface EnvironmentRef {
  kind: EnvironmentKind;
  /** GitHub environment name: "pr-123" | "staging" | "production" */
  name: string;
  /** Swarm stack name: "shop-pr-123" | "shop-staging" | "shop" */
  stack: string;
  pr?: number;
}
