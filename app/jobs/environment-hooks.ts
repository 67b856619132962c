// What happens around an environment's deploy besides the stack itself: the Caddy edge's route (caddy mode) and,
// once healthy, the service registry. Jobs call these small hooks; the logic lives in the router and registry.
import type { DeployConfig } from "../core/config/types.js";
import type { EdgeRoute } from "../core/routing/edge-route.js";
import type { EdgeProbe, EdgeRouter } from "../ports/edge-router.js";
import type { JobDeps } from "./deps.js";
import { FinalError } from "../errors.js";
import { registryEntries, type HealthyEnvironment } from "../core/discovery/entries.js";
import { edgeRouteFor } from "../core/routing/edge-for-environment.js";
import { DEFAULT_EDGE } from "../core/routing/edge-defaults.js";

export interface DeployHooks {
  /** Before the stack is deployed: the edge and its network exist (the stack joins that network). */
  prepare(): Promise<void>;
  /** The new spec runs: route the host; returns how to probe through the edge (undefined: probe directly). */
  running(): Promise<EdgeProbe | undefined>;
  /** The first deploy failed and its stack was removed: its route goes too. */
  removed(): Promise<void>;
}

function edgeOf(deps: JobDeps, config: DeployConfig): EdgeRouter | undefined {
  if (config.routing.mode !== "caddy") return undefined;
  if (!deps.edgeFor) throw new FinalError("routing mode caddy, but this worker has no Caddy edge configured");
  return deps.edgeFor(config.ssh, config.routing.caddy ?? DEFAULT_EDGE);
}

/** `rendered` is empty for a rollback (a recorded YAML is redeployed): the route then follows from the config. */
export function deployHooks(
  deps: JobDeps,
  config: DeployConfig,
  stack: string,
  rendered: { edgeRoute?: EdgeRoute; probeConnectTo?: string },
): DeployHooks {
  const edge = edgeOf(deps, config);
  const publicService = Object.keys(config.services).find((name) => config.services[name]!.public);
  const route =
    rendered.edgeRoute ??
    (edge && publicService
      ? edgeRouteFor(config, stack, publicService, `${stack}.${config.routing.domain}`)
      : undefined);
  return {
    async prepare() {
      if (edge) await edge.ensure();
    },
    async running() {
      if (!edge || !route) return undefined;
      await edge.addRoute(route);
      const ca = await edge.rootCertificate();
      return { connectTo: rendered.probeConnectTo ?? config.routing.probeHost, ...(ca ? { ca } : {}) };
    },
    async removed() {
      if (edge && route) await edge.removeRoute(route.stack);
    },
  };
}

/** After a teardown: the environment's route leaves the edge (404 from then on), its entries leave the registry. */
export async function environmentTornDown(
  deps: JobDeps,
  config: DeployConfig,
  stack: string,
  environment: string,
): Promise<void> {
  await edgeOf(deps, config)?.removeRoute(stack);
  if (!deps.registry) return;
  try {
    const removed = await deps.registry.deregisterEnvironment(config.repository, environment);
    deps.log.info({ stack, removed }, "deregistered from the service registry");
  } catch (err) {
    // The reconciliation pass removes what no longer runs.
    deps.log.warn({ err, stack }, "could not deregister; the registry keeper will");
  }
}

/** Healthy: every service of the environment goes into the registry. A registry outage never fails a deploy. */
export async function environmentHealthy(deps: JobDeps, healthy: HealthyEnvironment): Promise<void> {
  if (!deps.registry) return;
  const started = deps.clock.now();
  try {
    const entries = registryEntries(healthy);
    await deps.registry.register(entries);
    deps.log.info(
      { stack: healthy.stack, entries: entries.map((e) => e.id), registeredMs: deps.clock.now() - started },
      "registered in the service registry",
    );
  } catch (err) {
    deps.log.warn({ err, stack: healthy.stack }, "could not register; the registry keeper will");
  }
}
