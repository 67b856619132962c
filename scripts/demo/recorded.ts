// Reads what Berth sent to the GitHub stand-in: the demo prints it, the e2e tests assert it.
import type { GitHubStandIn } from "../github-stand-in/index.js";
import type { RecordedRequest } from "../github-stand-in/state.js";
import { waitFor } from "../lib/wait-for.js";

export interface FinalStatus {
  state: string;
  description: string;
  environment_url?: string;
}

/** Waits for a deployment status in one of `states` among the requests recorded after index `from`. */
export async function waitForFinalDeploymentStatus(
  github: GitHubStandIn,
  from: number,
  timeoutMs: number,
  states = ["success", "failure", "error"],
): Promise<FinalStatus> {
  return waitFor(
    `a deployment status ${states.join("|")}`,
    () => {
      const r = github.requests
        .slice(from)
        .find(
          (x) => x.method === "POST" && /\/deployments\/\d+\/statuses$/.test(x.path) && states.includes(x.body?.state),
        );
      return r?.body as FinalStatus | undefined;
    },
    timeoutMs,
    250,
  );
}

/** `checkRunName`: the name a check run was created with (an update names it by id only). */
export function describeRecorded(requests: RecordedRequest[], checkRunName: (id: number) => string = () => ""): string {
  const out: string[] = [];
  for (const r of requests) {
    if (r.path.endsWith("/access_tokens")) continue;
    const b = r.body ?? {};
    let what = "";
    const checkId = /\/check-runs\/(\d+)$/.exec(r.path)?.[1];
    if (/\/reactions$/.test(r.path) && r.method === "POST") what = `reaction ${b.content}`;
    else if (/\/check-runs/.test(r.path))
      what = `check run "${b.name ?? (checkId && checkRunName(Number(checkId))) ?? ""}" ${b.status ?? ""}${b.conclusion ? `/${b.conclusion}` : ""}: ${b.output?.title ?? ""}`;
    else if (/\/statuses$/.test(r.path) && r.method === "POST")
      what = `deployment status ${b.state}${b.environment_url ? ` ${b.environment_url}` : ""} — ${b.description}`;
    else if (/\/deployments$/.test(r.path) && r.method === "POST")
      what = `deployment ${b.environment} ref=${String(b.ref).slice(0, 7)} transient=${b.transient_environment} production=${b.production_environment}`;
    else if (/comments/.test(r.path) && r.method !== "GET")
      what = `comment:\n      ${String(b.body)
        .split("\n")
        .filter((l) => l && !l.startsWith("<!--"))
        .join("\n      ")}`;
    else what = r.method === "GET" ? "(read)" : JSON.stringify(b).slice(0, 120);
    out.push(`  ${r.method.padEnd(5)} ${r.path} → ${r.status}  ${what}`);
  }
  return out.join("\n");
}

/**
 * Berth flushes the comment after the deployment status; wait until it has sent nothing for `quietMs`. The window
 * outlasts the gap between two writes of one report (the write scheduler sends a report's writes back to back), so it
 * does not end between two writes of one report.
 */
export async function waitForQuiet(
  github: GitHubStandIn,
  from: number,
  quietMs = 3500,
  timeoutMs = 60_000,
): Promise<void> {
  await waitFor(
    "Berth to finish reporting",
    () => {
      // Reporting is writing: reads (the sweep's reconciliation polls open PRs every interval) never end, so only
      // the last write since `from` counts.
      const writes = github.requests.slice(from).filter((r) => r.method !== "GET");
      const lastAt = writes[writes.length - 1]?.at ?? github.requests[from]?.at;
      return lastAt !== undefined && Date.now() - lastAt >= quietMs ? true : undefined;
    },
    timeoutMs,
    100,
  );
}
