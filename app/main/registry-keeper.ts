// The reconciliation pass: the registry should hold exactly the environments that run on the Swarm. A crash between
// a teardown and its deregistration leaves entries of stacks that are gone (removed here); a crash between healthy
// and registered, or a lease that expired with a previous Berth, leaves running stacks unregistered (added here,
// once every service runs its desired tasks: the registry never holds an environment that is not healthy).
import type { Logger } from "pino";
import type { JobDeps } from "../jobs/deps.js";
import type { ServiceRegistry } from "../ports/service-registry.js";
import { isSettled, reconcilePlan, registryEntries } from "../core/discovery/entries.js";
import type { SwarmPort } from "../ports/swarm.js";
import { routeFor } from "../core/render/routing.js";
import type { EnvironmentRef } from "../core/environment-types.js";
import { everyInterval } from "./every-interval.js";

export async function reconcileRegistry(
  deps: JobDeps,
  registry: ServiceRegistry,
): Promise<{ added: number; removed: number }> {
  const configs = (await deps.configs.all()).flatMap((entry) => (entry.config ? [entry.config] : []));
  const desired = [];
  const swarmOf = new Map<string, SwarmPort>();
  for (const config of configs) {
    const swarm = deps.swarmFor(config.ssh);
    for (const live of await swarm.liveEnvironments(config.repository)) {
      swarmOf.set(live.stack, swarm);
      if (!live.sha) continue;
      const environment = environmentRef(live.environment, live.stack);
      const publicService = Object.values(config.services).find((s) => s.public);
      const url = routeFor(config, environment, publicService?.healthPath ?? "/").url;
      desired.push(
        ...registryEntries({
          config,
          stack: live.stack,
          environment: live.environment,
          sha: live.sha,
          url,
          services: live.services.map((s) => s.service),
        }),
      );
    }
  }
  const known = new Set(configs.map((c) => c.repository.toLowerCase()));
  const actual = (await registry.list()).filter((e) => known.has(e.meta.repository.toLowerCase()));
  const plan = reconcilePlan(desired, actual);
  // Registered means healthy: a stack still converging (its deploy job registers it once healthy) or failing is
  // left for a later pass.
  const settled = new Map<string, boolean>();
  for (const stack of new Set(plan.register.map((e) => e.meta.stack)))
    settled.set(stack, isSettled((await swarmOf.get(stack)?.stackServices(stack)) ?? []));
  plan.register = plan.register.filter((e) => settled.get(e.meta.stack));
  if (plan.register.length > 0) await registry.register(plan.register);
  const gone = new Set(plan.remove.map((e) => `${e.meta.repository}\n${e.meta.environment}`));
  for (const key of gone) {
    const [repository, environment] = key.split("\n") as [string, string];
    if (!desired.some((d) => d.meta.repository === repository && d.meta.environment === environment))
      await registry.deregisterEnvironment(repository, environment);
  }
  return { added: plan.register.length, removed: plan.remove.length };
}

function environmentRef(name: string, stack: string): EnvironmentRef {
  const pr = /^pr-([0-9]+)$/.exec(name)?.[1];
  if (pr) return { kind: "preview", name, stack, pr: Number(pr) };
  return { kind: name === "staging" ? "staging" : "production", name, stack };
}

export function startRegistryKeeper(
  deps: JobDeps,
  registry: ServiceRegistry,
  intervalSeconds: number,
  log: Logger,
): () => Promise<void> {
  return everyInterval(
    async () => {
      const r = await reconcileRegistry(deps, registry);
      if (r.added + r.removed > 0) log.info(r, "service registry reconciled with the Swarm");
    },
    intervalSeconds,
    log,
    "registry reconciliation",
  );
}
