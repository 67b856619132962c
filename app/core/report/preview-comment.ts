// The one sticky PR comment: found again by its hidden marker and edited in place.
import type { EnvironmentView } from "./view-model.js";
import { inline, seconds, truncate } from "./markdown.js";
import { serviceTable } from "./service-table.js";

const MAX_COMMENT = 65_536;

export function previewCommentMarker(environment: string): string {
  return `<!-- berth:preview:${environment} -->`;
}

export function previewComment(view: EnvironmentView, opts: { webBaseUrl?: string } = {}): string {
  const web = opts.webBaseUrl ?? "https://github.com";
  const commit = `[\`${view.sha.slice(0, 7)}\`](${web}/${view.repository}/commit/${view.sha})`;
  const check = view.checkRunUrl ? ` · [details](${view.checkRunUrl})` : "";
  const lines = [
    previewCommentMarker(view.environment),
    `### Berth preview \`${inline(view.stack || view.environment)}\``,
    "",
  ];
  switch (view.phase) {
    case "success":
      if (view.observedAt !== undefined) {
        lines.push(observedLine(view, commit, check));
        break;
      }
      lines.push(
        `✅ **Live at ${view.url}** — ${commit}, deployed in ${seconds((view.finishedAt ?? view.startedAt) - view.startedAt)}${check}`,
      );
      break;
    case "failure":
      lines.push(`❌ **Deploy of ${commit} failed**: ${inline(view.reason ?? "see the check run")}${check}`);
      if (view.servingNow) lines.push("", `Serving now: ${inline(view.servingNow)}`);
      break;
    case "config-error":
      lines.push(`⚠️ **Invalid deploy config** — nothing deployed for ${commit}${check}`);
      break;
    case "torn-down":
      lines.push(tornDownLine(view));
      break;
    case "waiting-approval":
      lines.push(`🔒 **Waiting for approval** — nothing deployed for ${commit}. ${view.policyNote ?? ""}${check}`);
      break;
    case "refused":
      lines.push(
        `⛔ **Not deployed**: ${inline(view.reason ?? "refused by policy")}. ${view.policyNote ?? ""}${check}`,
      );
      break;
    default:
      lines.push(`⏳ **Deploying ${commit}**…${check}`);
  }
  if (view.services.length > 0 && view.phase !== "torn-down") {
    lines.push("", ...serviceTable(view.services));
  }
  return truncate(lines.join("\n"), MAX_COMMENT);
}

// A /status check re-reads the Swarm: the table is what runs now (after a node was lost, say), not the deploy's end.
function observedLine(view: EnvironmentView, commit: string, check: string): string {
  const at = new Date(view.observedAt!).toISOString();
  const short = view.services.filter((s) => s.running < s.desired);
  return short.length === 0
    ? `✅ **Running ${commit}** — every task up as \`/status\` saw it at ${at}${check}`
    : `⚠️ **Running ${commit} short of tasks** (${short.map((s) => `${inline(s.service)} ${s.running}/${s.desired}`).join(", ")}) as \`/status\` saw it at ${at}${check}`;
}

// Expired and evicted previews come back with /redeploy; closed ones by reopening the PR.
function tornDownLine(view: EnvironmentView): string {
  const at = new Date(view.finishedAt ?? view.startedAt).toISOString();
  switch (view.reason) {
    case "expired":
      return `💤 **Preview expired** (idle${view.policyNote ? ` ${inline(view.policyNote)}` : ""}) and was torn down at ${at}. Comment \`/redeploy\` to bring it back.`;
    case "evicted":
      return `🧹 **Preview evicted** to make room for a newer one (preview cap) at ${at}. Comment \`/redeploy\` to bring it back.`;
    default:
      return `🧹 **Preview torn down** (PR ${inline(view.reason ?? "closed")}) at ${at}. Reopen the PR to deploy it again.`;
  }
}
