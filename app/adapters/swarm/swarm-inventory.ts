// SwarmInventory over SSH: `docker service ls/inspect/ps` and `docker network ls` on the manager, read-only.
import type { SshTarget } from "../../core/config/types.js";
import type { LiveEnvironmentState, SwarmInventory } from "../../ports/swarm-inventory.js";
import type { ServiceSpec } from "../../core/plan/stack-spec.js";
import { commitOf } from "../../core/plan/stack-spec.js";
import { dockerArgs } from "../../core/docker-args.js";
import { inventoryArgs } from "../../core/docker-inventory-args.js";
import type { SshPool } from "../ssh/pool.js";
import { dockerFailure } from "./docker-errors.js";
import { serviceStatuses, type RawService, type RawTask } from "./swarm-state.js";

type InspectedService = RawService & {
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec: RawService["Spec"] & {
    TaskTemplate?: {
      ContainerSpec?: { Image?: string; Secrets?: { SecretName?: string }[] };
      Networks?: { Target?: string }[];
    };
  };
};

const lines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);

export function createSwarmInventory(target: SshTarget, pool: SshPool): SwarmInventory {
  async function run(what: string, argv: string[]): Promise<string> {
    const result = await pool.exec(target, argv, { timeoutMs: 60_000 });
    if (result.code !== 0) throw dockerFailure(what, result);
    return result.stdout;
  }
  // A service or task listed a moment ago may be gone (stack rm, task pruning): tolerate only that.
  async function inspect<T>(what: string, argv: string[]): Promise<T[]> {
    const result = await pool.exec(target, argv, { timeoutMs: 60_000 });
    const onlyVanished = lines(result.stderr).every((l) => /No such (object|service)/i.test(l));
    if (result.code !== 0 && !onlyVanished) throw dockerFailure(what, result);
    return JSON.parse(result.stdout.trim() || "[]") as T[];
  }
  async function services(argv: string[]): Promise<InspectedService[]> {
    const ids = lines(await run("docker service ls", argv));
    return ids.length ? inspect<InspectedService>("docker service inspect", dockerArgs.serviceInspect(ids)) : [];
  }
  async function tasksOf(list: InspectedService[]): Promise<RawTask[]> {
    if (list.length === 0) return [];
    const ids = lines(await run("docker service ps", dockerArgs.serviceTaskIds(list.map((s) => s.ID))));
    return ids.length ? inspect<RawTask>("docker inspect tasks", dockerArgs.inspect(ids)) : [];
  }

  return {
    async stackSpec(stack) {
      const found = await services(dockerArgs.stackServiceIds(stack));
      if (found.length === 0) return { stack, services: [] };
      // Services refer to networks by id; names are what a compose file and a person use.
      const networkNames = new Map(
        lines(await run("docker network ls", inventoryArgs.networkIdsAndNames())).map((l) => {
          const [id, name] = l.split(/\s+/) as [string, string];
          return [id, name];
        }),
      );
      const nameOf = (id: string) =>
        networkNames.get(id) ?? [...networkNames].find(([k]) => k.startsWith(id))?.[1] ?? id;
      const specs: ServiceSpec[] = found.map((s) => {
        const task = s.Spec.TaskTemplate ?? {};
        return {
          service: s.Spec.Name.startsWith(`${stack}_`) ? s.Spec.Name.slice(stack.length + 1) : s.Spec.Name,
          image: task.ContainerSpec?.Image ?? "",
          replicas: s.Spec.Mode?.Replicated?.Replicas ?? 1,
          networks: (task.Networks ?? []).map((n) => nameOf(n.Target ?? "")).sort(),
          secrets: (task.ContainerSpec?.Secrets ?? []).map((x) => x.SecretName ?? "").sort(),
          ...commitOf(s.Spec.Labels ?? {}),
        };
      });
      return { stack, services: specs.sort((a, b) => a.service.localeCompare(b.service)) };
    },

    async environments(repository) {
      const found = await services(
        repository ? dockerArgs.repositoryServiceIds(repository) : inventoryArgs.berthServiceIds(),
      );
      const tasks = await tasksOf(found);
      const byStack = new Map<string, InspectedService[]>();
      for (const s of found) {
        const labels = s.Spec.Labels ?? {};
        const repo = labels["berth.repository"] ?? "";
        // The label filter matches exact values; repository names are case-insensitive on GitHub.
        if (!repo || (repository && repo.toLowerCase() !== repository.toLowerCase())) continue;
        const stack = labels["com.docker.stack.namespace"] ?? s.Spec.Name;
        byStack.set(stack, [...(byStack.get(stack) ?? []), s]);
      }
      const out: LiveEnvironmentState[] = [];
      for (const [stack, list] of byStack) {
        const labels = list[0]!.Spec.Labels ?? {};
        const newest = [...list].sort((a, b) => (b.UpdatedAt ?? "").localeCompare(a.UpdatedAt ?? ""));
        const sha = newest.map((s) => s.Spec.Labels?.["berth.sha"]).find((x) => x);
        out.push({
          repository: labels["berth.repository"]!,
          environment: labels["berth.environment"] ?? "",
          app: labels["berth.app"] ?? "",
          stack,
          ...(sha ? { sha } : {}),
          createdAt: list.map((s) => s.CreatedAt ?? "").sort()[0] ?? "",
          updatedAt: newest[0]?.UpdatedAt ?? "",
          services: serviceStatuses(stack, list, tasks).map((s) => ({
            service: s.service,
            image: s.image,
            desired: s.desired,
            running: s.running,
            ...(s.updateState ? { updateState: s.updateState } : {}),
          })),
        });
      }
      return out.sort((a, b) => `${a.repository} ${a.environment}`.localeCompare(`${b.repository} ${b.environment}`));
    },
  };
}
