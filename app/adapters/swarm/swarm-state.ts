// Turns `docker service inspect` and `docker inspect <task>` JSON into the port's view of a stack.
import type { ServiceStatus, TaskProblem } from "../../ports/swarm.js";

export interface RawService {
  ID: string;
  Spec: {
    Name: string;
    Labels?: Record<string, string>;
    Mode?: { Replicated?: { Replicas?: number }; Global?: object };
    TaskTemplate?: { ContainerSpec?: { Image?: string } };
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
      // Tasks Swarm wants running are the current spec's (old ones get desired state shutdown during an update);
      // a task counts once its container runs — and with a healthcheck, Swarm reports running only once healthy.
      const runningTasks = tasks.filter(
        (t) => t.ServiceID === s.ID && t.DesiredState === "running" && t.Status.State === "running",
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

export function converged(s: ServiceStatus): boolean {
  const updateDone = s.updateState === undefined || s.updateState === "completed";
  return updateDone && s.running === s.desired;
}
