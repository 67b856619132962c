// Keeps every Caddy edge running Berth's routes: an edge that restarted comes back with an empty config, and this
// loop notices (its marker route is missing) and re-applies every route from the services that run. Cheap when all
// is well: one `docker ps` and one admin GET per edge per pass.
import type { Logger } from "pino";
import type { JobDeps } from "../jobs/deps.js";
import { everyInterval } from "./every-interval.js";

export function startEdgeKeeper(deps: JobDeps, intervalSeconds: number, log: Logger): () => Promise<void> {
  const pass = async () => {
    const configs = (await deps.configs.all()).flatMap((entry) => (entry.config ? [entry.config] : []));
    const seen = new Set<string>();
    for (const config of configs) {
      const edge = config.routing.caddy;
      if (config.routing.mode !== "caddy" || !edge || !deps.edgeFor) continue;
      const key = `${config.ssh.user}@${config.ssh.host}:${config.ssh.port}/${edge.service}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const router = deps.edgeFor(config.ssh, edge);
      try {
        if (await router.configured()) {
          const changed = await router.refreshPinned();
          if (changed > 0) log.info({ edge: edge.service, changed }, "pinned upstreams follow the tasks");
          continue;
        }
        const routes = await router.resync();
        log.info({ edge: edge.service, routes: routes.map((r) => r.host) }, "edge had no config: routes re-applied");
      } catch (err) {
        log.debug({ err, edge: edge.service }, "edge not reachable this pass");
      }
    }
  };
  return everyInterval(pass, intervalSeconds, log, "edge keeper pass");
}
