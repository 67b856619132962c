// Gauges read at scrape time rather than kept up to date: the queue and the live environments are in Redis (any
// process can read them, the server exposes them), the SSH pool is in the worker.
import { Gauge } from "prom-client";
import type { Queue } from "bullmq";
import type { EnvironmentStateStore } from "../../ports/environment-states.js";
import type { Clock } from "../../ports/clock.js";
import { environmentKind } from "../../core/status-page/environment-kind.js";
import type { BerthMetrics } from "./berth-metrics.js";

const QUEUE_STATES = ["waiting", "prioritized", "delayed", "active", "failed"] as const;
/** Oldest waiting job: the first page of each waiting state is enough (a queue is worked oldest first). */
const OLDEST_SCAN = 200;

export function registerQueueGauges(metrics: BerthMetrics, queue: Queue, clock: Clock): void {
  const registers = [metrics.registry];
  new Gauge({
    name: "berth_queue_jobs",
    help: "Jobs in the queue by state (waiting, prioritized, delayed = backing off or waiting for a busy environment)",
    labelNames: ["state"] as const,
    registers,
    async collect() {
      const counts = await queue.getJobCounts(...QUEUE_STATES);
      for (const state of QUEUE_STATES) this.set({ state }, counts[state] ?? 0);
    },
  });
  new Gauge({
    name: "berth_queue_oldest_waiting_seconds",
    help: "Age of the oldest job not yet started (waiting, prioritized or delayed); 0 when none waits",
    registers,
    async collect() {
      const jobs = await queue.getJobs(["waiting", "prioritized", "delayed"], 0, OLDEST_SCAN - 1, true);
      const oldest = jobs.reduce((min, j) => (j && j.timestamp < min ? j.timestamp : min), Infinity);
      this.set(Number.isFinite(oldest) ? Math.max(0, clock.now() - oldest) / 1000 : 0);
    },
  });
}

export function registerEnvironmentGauges(metrics: BerthMetrics, states: EnvironmentStateStore): void {
  new Gauge({
    name: "berth_live_environments",
    help: "Live environments per repository and kind (preview, staging, production), as Berth last deployed them",
    labelNames: ["repository", "environment_kind"] as const,
    registers: [metrics.registry],
    async collect() {
      this.reset();
      for (const s of await states.all())
        this.inc({ repository: s.repository.toLowerCase(), environment_kind: environmentKind(s.environment) });
    },
  });
}

export function registerSshGauges(metrics: BerthMetrics, usage: () => { connections: number; channels: number }) {
  const registers = [metrics.registry];
  new Gauge({
    name: "berth_ssh_connections",
    help: "SSH connections to Swarm managers open in this worker",
    registers,
    collect() {
      this.set(usage().connections);
    },
  });
  new Gauge({
    name: "berth_ssh_channels_in_use",
    help: "SSH channels (one per docker command) in use in this worker",
    registers,
    collect() {
      this.set(usage().channels);
    },
  });
}
