// Counts Berth's writes to GitHub and keeps the rate-limit headers of each answer, per installation, by hooking
// the installation's Octokit (every GitHub adapter sends through it).
import type { BerthMetrics } from "./berth-metrics.js";

interface HookableOctokit {
  hook: {
    after(
      name: "request",
      fn: (response: { headers: Record<string, unknown> }, options: { method: string }) => void,
    ): void;
  };
}

const hooked = new WeakSet<object>();

export function countGitHubWrites<T extends object>(octokit: T, installationId: number, metrics: BerthMetrics): T {
  const o = octokit as unknown as HookableOctokit;
  if (hooked.has(octokit) || typeof o.hook?.after !== "function") return octokit;
  hooked.add(octokit);
  const installation = String(installationId);
  o.hook.after("request", (response, options) => {
    if (options.method !== "GET" && options.method !== "HEAD") metrics.githubWrites.inc({ installation });
    const remaining = Number(response.headers["x-ratelimit-remaining"]);
    if (Number.isFinite(remaining)) metrics.githubRateRemaining.set({ installation }, remaining);
  });
  return octokit;
}
