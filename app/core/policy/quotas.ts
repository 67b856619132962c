// Resource quotas (seed 001's ResourceQuotas, Swarm-style): what one environment, and all of a repository's live
// environments together, may ask of the Swarm. Checked inside renderStack, so every path that produces a stack —
// deploy, /scale, rollback — is refused before anything reaches the manager, with the numbers in the message.
import type { DeployConfig, QuotaSpec } from "../config/types.js";
import { memoryBytes } from "../config/memory-size.js";

/** One service's share: per-task values and its replica count. */
export interface ServiceUsage {
  service: string;
  replicas: number;
  cpus: number;
  memoryBytes: number;
  reservedCpus: number;
  reservedMemoryBytes: number;
}

/** Sums over the tasks of one or more environments. */
export interface Usage {
  cpus: number;
  memoryBytes: number;
  reservedCpus: number;
  reservedMemoryBytes: number;
  replicas: number;
}

export const NO_USAGE: Usage = { cpus: 0, memoryBytes: 0, reservedCpus: 0, reservedMemoryBytes: 0, replicas: 0 };

/** The configured services with the replica counts the render will use (template-only sidecars get no quota share). */
export function servicesUsage(config: DeployConfig, replicas: Record<string, number>): ServiceUsage[] {
  return Object.entries(config.services).map(([service, s]) => ({
    service,
    replicas: replicas[service] ?? s.replicas,
    cpus: s.resources.limits.cpus ?? 0,
    memoryBytes: memoryBytes(s.resources.limits.memory) ?? 0,
    reservedCpus: s.resources.reservations.cpus ?? 0,
    reservedMemoryBytes: memoryBytes(s.resources.reservations.memory) ?? 0,
  }));
}

export function totalUsage(services: readonly ServiceUsage[]): Usage {
  const sum = (f: (s: ServiceUsage) => number) => round(services.reduce((n, s) => n + f(s) * s.replicas, 0));
  return {
    cpus: sum((s) => s.cpus),
    memoryBytes: sum((s) => s.memoryBytes),
    reservedCpus: sum((s) => s.reservedCpus),
    reservedMemoryBytes: sum((s) => s.reservedMemoryBytes),
    replicas: services.reduce((n, s) => n + s.replicas, 0),
  };
}

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    cpus: round(a.cpus + b.cpus),
    memoryBytes: a.memoryBytes + b.memoryBytes,
    reservedCpus: round(a.reservedCpus + b.reservedCpus),
    reservedMemoryBytes: a.reservedMemoryBytes + b.reservedMemoryBytes,
    replicas: a.replicas + b.replicas,
  };
}

export interface QuotaProblem {
  /** Config pointer to blame: the quota field. */
  path: string;
  message: string;
}

type Measure = {
  key: "cpus" | "memoryBytes" | "reservedCpus" | "reservedMemoryBytes";
  quota: keyof QuotaSpec;
  what: string;
  show: (n: number) => string;
};

const MEASURES: Measure[] = [
  { key: "cpus", quota: "cpus", what: "CPU limit", show: cpus },
  { key: "memoryBytes", quota: "memory", what: "memory limit", show: bytes },
  { key: "reservedCpus", quota: "reservedCpus", what: "CPU reservation", show: cpus },
  { key: "reservedMemoryBytes", quota: "reservedMemory", what: "memory reservation", show: bytes },
];

/**
 * Problems of one environment against its kind's quota (`scope` "preview", "staging", "production"), or of the
 * repository's total (`scope` "repository", `others` = what its other live environments already use).
 */
export function quotaProblems(
  services: readonly ServiceUsage[],
  quota: QuotaSpec | undefined,
  scope: string,
  others: Usage = NO_USAGE,
): QuotaProblem[] {
  if (!quota) return [];
  const out: QuotaProblem[] = [];
  const mine = totalUsage(services);
  const total = addUsage(mine, others);
  const label = scope === "repository" ? "the repository quota" : `the ${scope} quota`;
  const besides = (show: (n: number) => string, n: number) =>
    scope === "repository" ? ` on top of ${show(n)} used by its other live environments` : "";
  for (const m of MEASURES) {
    const raw = quota[m.quota];
    const limit = typeof raw === "string" ? memoryBytes(raw) : raw;
    if (limit === undefined || total[m.key] <= limit) continue;
    const parts = services
      .filter((s) => s[m.key] > 0 && s.replicas > 0)
      .map((s) => `${s.service} ${m.show(s[m.key])} × ${s.replicas} replica${s.replicas === 1 ? "" : "s"}`);
    const who = parts.length === 1 ? parts[0]!.split(" ")[0]! : "this environment";
    out.push({
      path: `/quotas/${scope}/${m.quota}`,
      message: `${who} asks ${m.show(mine[m.key])} of ${m.what} (${parts.join(" + ")})${besides(m.show, others[m.key])}; ${label} is ${m.show(limit)}. Lower the service's resources or replicas, or raise quotas.${scope}.${m.quota}`,
    });
  }
  if (quota.maxReplicas !== undefined) {
    for (const s of services) {
      if (s.replicas > quota.maxReplicas) {
        out.push({
          path: `/quotas/${scope}/maxReplicas`,
          message: `${s.service} asks ${s.replicas} replicas; ${label} allows at most ${quota.maxReplicas} per service`,
        });
      }
    }
  }
  if (quota.maxTotalReplicas !== undefined && total.replicas > quota.maxTotalReplicas) {
    out.push({
      path: `/quotas/${scope}/maxTotalReplicas`,
      message: `${scope === "repository" ? "the repository's live environments" : "this environment"} would run ${total.replicas} tasks; ${label} allows at most ${quota.maxTotalReplicas}`,
    });
  }
  return out;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function cpus(n: number): string {
  return `${round(n)} CPU${n === 1 ? "" : "s"}`;
}

function bytes(n: number): string {
  for (const [unit, size] of [
    ["G", 1024 ** 3],
    ["M", 1024 ** 2],
    ["K", 1024],
  ] as const) {
    if (n >= size) return `${round(n / size)}${unit}`;
  }
  return `${n} bytes`;
}
