import type { CheckRunState } from "../../ports/github-reporter.js";
import type { EnvironmentView } from "./view-model.js";
import { configProblemsSection, problemsSection, servicesTable } from "./sections.js";
import { inline, seconds, truncate } from "./markdown.js";

const MAX_SUMMARY = 65_535;

function title(view: EnvironmentView): string {
  const running = view.services.reduce((n, s) => n + s.running, 0);
  const desired = view.services.reduce((n, s) => n + s.desired, 0);
  switch (view.phase) {
    case "queued":
      return "Queued";
    case "rendering":
      return "Rendering stack";
    case "building":
      return `Building ${view.app}:${view.sha.slice(0, 7)} from source`;
    case "deploying":
      return `Deploying ${view.stack}`;
    case "converging":
      return view.services.length ? `${running}/${desired} tasks running` : `Waiting for ${view.stack} to start`;
    case "probing":
      return `Probing ${view.url ?? "the URL"}`;
    case "waiting":
      return (view.reason ?? "Waiting").replace(/^./, (c) => c.toUpperCase()).slice(0, 120);
    case "success":
      return `${liveName(view)} is live`;
    case "failure":
      return `Deploy failed: ${view.reason?.split(":")[0] ?? "see details"}`.slice(0, 120);
    case "config-error":
      return `Invalid deploy config (${view.configProblems?.length ?? 0} problem${view.configProblems?.length === 1 ? "" : "s"})`;
    case "waiting-approval":
      return "Waiting for approval";
    case "refused":
      return `Not deployed: ${view.reason ?? "refused by policy"}`.slice(0, 120);
    case "tearing-down":
      return "Tearing down";
    case "torn-down":
      return "Preview torn down";
    case "superseded":
      return `Superseded: ${view.reason ?? "a newer commit"}`.slice(0, 120);
  }
}

function liveName(view: EnvironmentView): string {
  return view.environment === "staging" ? "Staging" : view.environment === "production" ? "Production" : "Preview";
}

export function checkRunState(view: EnvironmentView): CheckRunState {
  const status =
    view.phase === "queued"
      ? "queued"
      : ["success", "failure", "config-error", "torn-down", "waiting-approval", "refused", "superseded"].includes(
            view.phase,
          )
        ? "completed"
        : "in_progress";
  const conclusion =
    status !== "completed"
      ? undefined
      : view.phase === "success"
        ? "success"
        : view.phase === "torn-down"
          ? "neutral"
          : view.phase === "waiting-approval"
            ? "action_required"
            : view.phase === "superseded"
              ? "cancelled"
              : "failure";
  const lines: string[] = [];
  if (view.phase === "config-error") {
    lines.push(configProblemsSection(view));
  } else if (view.phase === "waiting-approval" || view.phase === "refused") {
    // The note is Berth's own markdown, built from validated names (see jobs/preview-policies).
    lines.push(
      `**Stack:** \`${inline(view.stack)}\` · **SHA:** \`${view.sha}\``,
      view.policyNote ?? inline(view.reason ?? ""),
    );
  } else {
    if (view.url) lines.push(`**URL:** ${view.url}`);
    lines.push(`**Stack:** \`${inline(view.stack)}\` · **SHA:** \`${view.sha}\``);
    if (view.finishedAt) lines.push(`**Took:** ${seconds(view.finishedAt - view.startedAt)}`);
    if (view.reason && (view.phase === "failure" || view.phase === "waiting"))
      lines.push(`**${view.phase === "waiting" ? "Waiting" : "Why"}:** ${inline(view.reason)}`);
    const table = servicesTable(view);
    if (table) lines.push(table);
    const problems = problemsSection(view);
    if (problems) lines.push(problems);
  }
  return { status, conclusion, title: title(view), summary: truncate(lines.join("\n\n"), MAX_SUMMARY) };
}
