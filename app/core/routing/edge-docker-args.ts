// Argument lists for the edge's docker commands on the manager (tokens, never a shell string). Names come from the
// schema-checked config; the admin API is reached with `docker exec -i <container> nc 127.0.0.1 2019`, so it never
// listens on a network: only someone who may run docker on the manager reaches it.
import type { CaddyEdgeConfig } from "../config/types.js";

export const ADMIN_PORT = 2019;
/** On routed public services: the edge that routes to them. On the edge's own service and network: EDGE_OWN_LABEL. */
export const EDGE_LABEL = "berth.edge";
export const EDGE_OWN_LABEL = "berth.edge.service";

export const edgeArgs = {
  networkInspect: (edge: CaddyEdgeConfig) => ["docker", "network", "inspect", "--format", "{{.Id}}", edge.network],
  networkCreate: (edge: CaddyEdgeConfig) => [
    "docker",
    "network",
    "create",
    "--driver",
    "overlay",
    "--label",
    `${EDGE_OWN_LABEL}=${edge.service}`,
    edge.network,
  ],
  serviceInspect: (edge: CaddyEdgeConfig) => ["docker", "service", "inspect", "--format", "{{.ID}}", edge.service],
  serviceCreate: (edge: CaddyEdgeConfig) => [
    "docker",
    "service",
    "create",
    "--detach",
    "--name",
    edge.service,
    "--label",
    `${EDGE_OWN_LABEL}=${edge.service}`,
    "--network",
    edge.network,
    // Host mode: no IPVS needed, and the client's address reaches Caddy unchanged.
    "--publish",
    `mode=host,target=443,published=${edge.httpsPort},protocol=tcp`,
    "--publish",
    `mode=host,target=80,published=${edge.httpPort},protocol=tcp`,
    // Certificates, ACME account and the internal CA outlive a restart of the edge.
    "--mount",
    `type=volume,source=${edge.service}-data,target=/data`,
    "--constraint",
    "node.role==manager",
    "--no-resolve-image",
    edge.image,
  ],
  serviceRemove: (edge: CaddyEdgeConfig) => ["docker", "service", "rm", edge.service],
  runningContainers: (edge: CaddyEdgeConfig) => [
    "docker",
    "ps",
    "-q",
    "--filter",
    `label=com.docker.swarm.service.name=${edge.service}`,
    "--filter",
    "status=running",
  ],
  admin: (container: string) => ["docker", "exec", "-i", container, "nc", "127.0.0.1", String(ADMIN_PORT)],
  /** busybox nslookup inside the edge: the name's A records as the edge network's DNS gives them. */
  resolve: (container: string, name: string) => ["docker", "exec", container, "nslookup", name],
  routedServices: (edge: CaddyEdgeConfig) => [
    "docker",
    "service",
    "ls",
    "-q",
    "--filter",
    `label=${EDGE_LABEL}=${edge.service}`,
  ],
  serviceInspectJson: (ids: readonly string[]) => ["docker", "service", "inspect", ...ids],
};
