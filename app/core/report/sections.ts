import type { EnvironmentView } from "./view-model.js";
import { fenced, inline } from "./markdown.js";

export function servicesTable(view: EnvironmentView): string {
  if (view.services.length === 0) return "";
  const rows = view.services.map(
    (s) =>
      `| ${inline(s.service)} | ${s.running}/${s.desired} | \`${inline(s.image)}\` | ${inline(s.updateState ?? "—")} |`,
  );
  return ["| service | running/desired | image | update |", "|---|---|---|---|", ...rows].join("\n");
}

export function problemsSection(view: EnvironmentView): string {
  const parts: string[] = [];
  if (view.problems && view.problems.length > 0) {
    parts.push("### Task errors", "| service | task | state | error | at |", "|---|---|---|---|---|");
    for (const p of view.problems.slice(-20))
      parts.push(
        `| ${inline(p.service)} | ${inline(p.taskId)} | ${inline(p.state)} | ${inline(p.error)} | ${inline(p.at)} |`,
      );
  }
  for (const [service, lines] of Object.entries(view.logs ?? {})) {
    if (lines.length === 0) continue;
    parts.push(`### Last log lines of \`${inline(service)}\``, fenced(lines));
  }
  if (view.servingNow) parts.push(`**Serving now:** ${inline(view.servingNow)}`);
  return parts.join("\n\n");
}

export function configProblemsSection(view: EnvironmentView): string {
  const problems = view.configProblems ?? [];
  return [
    "Nothing was deployed. Fix these in the deploy config, then push again:",
    "",
    ...problems.map(
      (p) =>
        `- \`${inline(`${p.file}:${p.line}:${p.col}`)}\`${p.path ? ` \`${inline(p.path)}\`` : ""}: ${inline(p.message)}`,
    ),
  ].join("\n");
}
