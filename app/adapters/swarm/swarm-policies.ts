// The policy side of SwarmPort: what a repository has live (caps, repository quotas), and Swarm secrets.
import type { LiveEnvironment, SwarmPort } from "../../ports/swarm.js";
import { dockerArgs } from "../../core/docker-args.js";
import type { RawService } from "./swarm-state.js";

type Run = (what: string, argv: string[], stdin?: string) => Promise<string>;
type Inspect = <T>(what: string, argv: string[]) => Promise<T[]>;

interface ResourceSpec {
  NanoCPUs?: number;
  MemoryBytes?: number;
}
type ServiceWithResources = RawService & {
  Spec: RawService["Spec"] & { TaskTemplate?: { Resources?: { Limits?: ResourceSpec; Reservations?: ResourceSpec } } };
};

const lines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);

export function swarmPolicies(
  run: Run,
  inspect: Inspect,
): Pick<SwarmPort, "liveEnvironments" | "ensureSecret" | "removeStackSecrets"> {
  return {
    async liveEnvironments(repository) {
      const ids = lines(await run("docker service ls", dockerArgs.repositoryServiceIds(repository)));
      if (ids.length === 0) return [];
      const services = await inspect<ServiceWithResources>("docker service inspect", dockerArgs.serviceInspect(ids));
      const byEnvironment = new Map<string, LiveEnvironment>();
      for (const s of services) {
        const labels = s.Spec.Labels ?? {};
        // Label values are compared exactly: GitHub repository names are case-insensitive, Berth writes config's spelling.
        if ((labels["berth.repository"] ?? "").toLowerCase() !== repository.toLowerCase()) continue;
        const environment = labels["berth.environment"] ?? "";
        const stack = labels["com.docker.stack.namespace"] ?? "";
        const entry: LiveEnvironment = byEnvironment.get(environment) ?? { environment, stack, services: [] };
        if (labels["berth.sha"]) entry.sha = labels["berth.sha"];
        const res = s.Spec.TaskTemplate?.Resources ?? {};
        entry.services.push({
          service: s.Spec.Name.startsWith(`${stack}_`) ? s.Spec.Name.slice(stack.length + 1) : s.Spec.Name,
          replicas: s.Spec.Mode?.Replicated?.Replicas ?? 1,
          cpus: (res.Limits?.NanoCPUs ?? 0) / 1e9,
          memoryBytes: res.Limits?.MemoryBytes ?? 0,
          reservedCpus: (res.Reservations?.NanoCPUs ?? 0) / 1e9,
          reservedMemoryBytes: res.Reservations?.MemoryBytes ?? 0,
        });
        byEnvironment.set(environment, entry);
      }
      return [...byEnvironment.values()].sort((a, b) => a.environment.localeCompare(b.environment));
    },

    async ensureSecret(name, value, labels) {
      // `name=` filters by prefix: compare exactly.
      if (lines(await run("docker secret ls", dockerArgs.secretExists(name))).includes(name)) return;
      try {
        await run(`docker secret create ${name}`, dockerArgs.secretCreate(name, labels), value);
      } catch (err) {
        // Created meanwhile by a retried job: same name, same content.
        if (!/already exists/i.test((err as Error).message)) throw err;
      }
    },

    async removeStackSecrets(stack, keep) {
      const removed: string[] = [];
      for (const name of lines(await run("docker secret ls", dockerArgs.stackSecretNames(stack)))) {
        if (keep.includes(name)) continue;
        try {
          await run(`docker secret rm ${name}`, dockerArgs.secretRm(name));
          removed.push(name);
        } catch (err) {
          if (!/in use/i.test((err as Error).message)) throw err;
        }
      }
      return removed;
    },
  };
}
