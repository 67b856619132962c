// Counts Berth's writes to GitHub and keeps the rate-limit headers of each answer, per installation, by hooking
// the installation's Octokit (every GitHub adapter sends through it).
import { Gauge } from "prom-client";
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
  metrics.installations.add(installationId);
  o.hook.after("request", (response, options) => {
    if (options.method !== "GET" && options.method !== "HEAD") metrics.githubWrites.inc({ installation });
    const remaining = Number(response.headers["x-ratelimit-remaining"]);
    if (Number.isFinite(remaining)) metrics.githubRateRemaining.set({ installation }, remaining);
  });
  return octokit;
}

/** What the GitHub write scheduler (app/adapters/github/write-scheduler.ts) exposes that metrics read. */
export interface WriteSchedulerView {
  stats: { sent: Record<string, number>; superseded: number; dropped: Record<string, number>; pending: number };
  sentInLastHour(installationId: number): number;
}

/**
 * The scheduler's counts and each installation's remaining hourly write budget, read at scrape time. Call it where
 * the scheduler is built; `installations` are the ones Berth has written for (the hourly limit is per installation).
 */
export function registerWriteSchedulerMetrics(
  metrics: BerthMetrics,
  scheduler: WriteSchedulerView,
  installations: () => number[],
  perHour: number,
): void {
  const registers = [metrics.registry];
  new Gauge({
    name: "berth_github_scheduled_writes",
    help: "The write scheduler's writes by what became of them (sent_final, dropped_progress, superseded, pending)",
    labelNames: ["state"] as const,
    registers,
    collect() {
      const s = scheduler.stats;
      for (const [cls, n] of Object.entries(s.sent)) this.set({ state: `sent_${cls}` }, n);
      for (const [cls, n] of Object.entries(s.dropped)) this.set({ state: `dropped_${cls}` }, n);
      this.set({ state: "superseded" }, s.superseded);
      this.set({ state: "pending" }, s.pending);
    },
  });
  new Gauge({
    name: "berth_github_write_budget_remaining",
    help: "Content-creating writes left in GitHub's hourly limit, per installation, as the write scheduler counts",
    labelNames: ["installation"] as const,
    registers,
    collect() {
      for (const id of installations())
        this.set({ installation: String(id) }, Math.max(0, perHour - scheduler.sentInLastHour(id)));
    },
  });
}
