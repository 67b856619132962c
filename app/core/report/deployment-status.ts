import type { DeploymentStatusSpec } from "../../ports/github-reporter.js";
import type { EnvironmentView } from "./view-model.js";

const MAX_DESCRIPTION = 140;

function clip(text: string): string {
  return text.length <= MAX_DESCRIPTION ? text : `${text.slice(0, MAX_DESCRIPTION - 1)}…`;
}

function label(view: EnvironmentView): string {
  return view.environment === "staging" ? "Staging" : view.environment === "production" ? "Production" : "Preview";
}

export function deploymentStatus(view: EnvironmentView): DeploymentStatusSpec {
  switch (view.phase) {
    case "success":
      return {
        state: "success",
        description: clip(`${label(view)} live at ${view.sha.slice(0, 7)}`),
        environmentUrl: view.url,
      };
    case "waiting":
      return { state: "pending", description: clip(view.reason ?? "Waiting") };
    case "failure":
    case "config-error":
      return { state: "failure", description: clip(view.reason ?? "Deploy failed") };
    case "superseded":
      return { state: "inactive", description: clip(`Superseded: ${view.reason ?? "a newer commit"}`) };
    case "torn-down":
      return { state: "inactive", description: clip(`Preview removed (${view.reason ?? "closed"})`) };
    case "queued":
      return { state: "queued", description: "Waiting for a worker" };
    default:
      return { state: "in_progress", description: clip(`${view.phase} ${view.stack}`) };
  }
}
