// Turns `docker service inspect` and `docker inspect <task>` JSON into the port's view of a stack.
import type { ServiceStatus, TaskProblem } from "../../ports/swarm.js";

export interface RawService {
  ID: string;
  Spec: {
    Name: string;
    Labels?: Record<string, string>;
    Mode?: { Replicated?: { Replicas?: number }; Global?: object };
    TaskTemplate?: { ContainerSpec?: { Image?: string } & Record<string, unknown> };
  };
  UpdateStatus?: { State?: string; Message?: string };
}

export interface RawTask {
  ID: string;
  ServiceID: string;
  Slot?: number;
  NodeID?: string;
  DesiredState: string;
  Status: { Timestamp: string; State: string; Message?: string; Err?: string };
  Spec?: { ContainerSpec?: Record<string, unknown> };
}

// What makes a task "of the current spec". Not the whole ContainerSpec: Swarm leaves some defaults (e.g.
// StopGracePeriod) out of the task's copy. A Berth deploy changes at least the image or BERTH_SHA in Env.
const SPEC_FIELDS = ["Image", "Env", "Args", "Command", "Labels", "Secrets", "Configs", "Mounts", "Healthcheck"];

function runsCurrentSpec(service: RawService, task: RawTask): boolean {
  const want = service.Spec.TaskTemplate?.ContainerSpec;
  const have = task.Spec?.ContainerSpec;
  if (!want || !have) return true; // nothing to compare with: trust the desired state
  return SPEC_FIELDS.every((f) => JSON.stringify(want[f] ?? null) === JSON.stringify(have[f] ?? null));
}

const FAILED_STATES = new Set(["failed", "rejected"]);

export function serviceStatuses(
  stack: string,
  services: RawService[],
  tasks: RawTask[],
  nodeNames?: Map<string, string>,
): ServiceStatus[] {
  return services
    .map((s) => {
      const short = s.Spec.Name.startsWith(`${stack}_`) ? s.Spec.Name.slice(stack.length + 1) : s.Spec.Name;
      // Only tasks of the current spec count: during a start-first update the old tasks still run until the new
      // ones do. A task counts once its container runs — with a healthcheck, Swarm says running only once healthy.
      const runningTasks = tasks.filter(
        (t) =>
          t.ServiceID === s.ID && t.DesiredState === "running" && t.Status.State === "running" && runsCurrentSpec(s, t),
      );
      const running = runningTasks.length;
      return {
        service: short,
        fullName: s.Spec.Name,
        image: (s.Spec.TaskTemplate?.ContainerSpec?.Image ?? "").replace(/@sha256:[0-9a-f]+$/, ""),
        desired: s.Spec.Mode?.Replicated?.Replicas ?? running,
        running,
        updateState: s.UpdateStatus?.State,
        updateMessage: s.UpdateStatus?.Message,
        ...(s.Spec.Labels?.["berth.sha"] ? { sha: s.Spec.Labels["berth.sha"] } : {}),
        ...(nodeNames
          ? { nodes: runningTasks.map((t) => nodeNames.get(t.NodeID ?? "") ?? t.NodeID ?? "?").sort() }
          : {}),
      };
    })
    .sort((a, b) => a.service.localeCompare(b.service));
}

export function taskProblems(stack: string, services: RawService[], tasks: RawTask[], since: number): TaskProblem[] {
  const names = new Map(services.map((s) => [s.ID, s.Spec.Name.replace(`${stack}_`, "")]));
  return tasks
    .filter((t) => FAILED_STATES.has(t.Status.State) && Date.parse(t.Status.Timestamp) >= since - 1000)
    .map((t) => ({
      service: names.get(t.ServiceID) ?? t.ServiceID,
      taskId: t.ID.slice(0, 12),
      state: t.Status.State,
      error: t.Status.Err || t.Status.Message || t.Status.State,
      at: t.Status.Timestamp,
    }))
    .sort((a, b) => a.at.localeCompare(b.at));
}

/**
 * Why tasks of the current spec wait unplaced: Swarm keeps a task pending with the reason in Err ("no suitable node
 * (insufficient resources on 1 node)") and retries for ever, so without this a deploy that cannot fit only says it
 * was not healthy in time. One line per service and reason.
 */
export function pendingReasons(stack: string, services: RawService[], tasks: RawTask[]): string[] {
  const byId = new Map(services.map((s) => [s.ID, s]));
  const reasons = new Set<string>();
  for (const t of tasks) {
    const service = byId.get(t.ServiceID);
    if (!service || t.DesiredState !== "running" || t.Status.State !== "pending" || !t.Status.Err) continue;
    if (!runsCurrentSpec(service, t)) continue;
    const name = service.Spec.Name.replace(`${stack}_`, "");
    const fix = /insufficient resources/i.test(t.Status.Err)
      ? ` (lower services.${name}.resources.reservations in the deploy config, or add nodes)`
      : "";
    reasons.add(`${name}: Swarm cannot place a task: ${t.Status.Err}${fix}`);
  }
  return [...reasons].sort();
}

/**
 * Healthy: the desired replicas of the current spec run (healthy where a healthcheck exists) and Swarm is not
 * rolling back or paused. Swarm may still be watching the update (its monitor window): that is converged's job.
 */
export function healthy(s: ServiceStatus): boolean {
  const state = s.updateState;
  return (state === undefined || state === "updating" || state === "completed") && s.running === s.desired;
}

export function converged(s: ServiceStatus): boolean {
  const updateDone = s.updateState === undefined || s.updateState === "completed";
  return updateDone && s.running === s.desired;
}
