// The CI gate: a commit deploys once every check suite on it has completed successfully. Berth's own suite (its
// "Berth / staging" check run lives in one) is ignored, or a deploy would wait for itself; so are suites no app
// ever started (GitHub creates a queued suite for every installed app that listens, even if it never runs).
export interface CheckSuiteFact {
  id: number;
  app: { id: number; slug: string; name?: string };
  status: string | null; // queued | in_progress | completed
  conclusion: string | null; // success | failure | neutral | cancelled | skipped | timed_out | action_required | stale
  latestCheckRunsCount: number;
  url?: string;
}

export type GateVerdict =
  | { state: "passed"; suites: number }
  | { state: "pending"; waitingFor: string[] }
  | { state: "failed"; failed: { name: string; conclusion: string; url?: string }[] };

const PASSING = new Set(["success", "neutral", "skipped"]);

export function evaluateCiGate(suites: readonly CheckSuiteFact[], ownAppId: number | undefined): GateVerdict {
  const relevant = suites.filter(
    (s) => s.app.id !== ownAppId && !(s.status === "queued" && s.latestCheckRunsCount === 0),
  );
  const failed = relevant
    .filter((s) => s.status === "completed" && !PASSING.has(s.conclusion ?? ""))
    .map((s) => ({
      name: s.app.name ?? s.app.slug,
      conclusion: s.conclusion ?? "unknown",
      ...(s.url ? { url: s.url } : {}),
    }));
  if (failed.length > 0) return { state: "failed", failed };
  const pending = relevant
    .filter((s) => s.status !== "completed")
    .map((s) => `${s.app.name ?? s.app.slug} (${s.status ?? "queued"})`);
  if (pending.length > 0) return { state: "pending", waitingFor: pending };
  // No CI at all is "passed": a gate on a repository without CI would otherwise wait forever.
  return { state: "passed", suites: relevant.length };
}

export function describeVerdict(v: GateVerdict): string {
  switch (v.state) {
    case "passed":
      return v.suites === 0
        ? "no CI configured for this commit"
        : `CI passed (${v.suites} check suite${v.suites === 1 ? "" : "s"})`;
    case "pending":
      return `waiting for CI: ${v.waitingFor.join(", ")}`;
    case "failed":
      return `CI failed: ${v.failed.map((f) => `${f.name} concluded ${f.conclusion}${f.url ? ` (${f.url})` : ""}`).join("; ")}`;
  }
}
