// The edge route of one rendered environment: its host name to the public service's tasks on the edge network.
import type { DeployConfig } from "../config/types.js";
import type { EdgeRoute } from "./edge-route.js";

export function edgeRouteFor(config: DeployConfig, stack: string, publicService: string, host: string): EdgeRoute {
  const service = config.services[publicService]!;
  return {
    stack,
    host,
    upstream: `${stack}_${publicService}`,
    port: service.port!,
    ...(service.traffic ? { policy: service.traffic } : {}),
  };
}
