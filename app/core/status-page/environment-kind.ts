// Environments grouped the way dashboards count them: every "pr-N" is a preview.
export type EnvironmentKind = "preview" | "staging" | "production" | "other";

export function environmentKind(environment: string): EnvironmentKind {
  if (/^pr-\d+$/.test(environment)) return "preview";
  if (environment === "staging" || environment === "production") return environment;
  return "other";
}
