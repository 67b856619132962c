// One service of the rendered stack: the template's service with the config's values set on it, joined to the
// stack's network, labelled, health-gated. Problems are returned as messages; the caller adds the position.
import type { ServiceConfig } from "../config/types.js";
import { asObject, keyValueMap, networkMap, type Json } from "./compose-values.js";
import { updatePolicies } from "./update-policy.js";

/** The stack's own overlay network (`<stack>_berth`) and the key under which Traefik's external network joins. */
export const STACK_NETWORK = "berth";
export const TRAEFIK_NETWORK_KEY = "berth_traefik";
/** caddy mode: the key under which the edge's external network joins (the public service only). */
export const EDGE_NETWORK_KEY = "berth_edge";
export const RESERVED_PREFIX = "berth";

export interface ServiceInput {
  name: string;
  template: Json;
  /** undefined for template services the config does not name (sidecars with a fixed image). */
  config?: ServiceConfig;
  /** Config values with {{variables}} already substituted. */
  image?: string;
  env: Record<string, string>;
  replicas?: number;
  sha: string;
  labels: Record<string, string>;
  /** Traefik labels (public service, traefik mode) or undefined to render traefik.enable=false. */
  traefik?: Record<string, string>;
  joinTraefik: boolean;
  /** caddy mode, public service: join the edge network (internal services never do). */
  joinEdge?: boolean;
  /** host-port mode, public service: the port to publish on the node. */
  publish?: { target: number; published: number };
  /** The config declares intentions: the networks of this service's allowed pairs, instead of the stack network. */
  intentionNetworks?: string[];
}

export function renderService(input: ServiceInput): { service: Json; problems: string[] } {
  const problems: string[] = [];
  const tpl = input.template;
  const service: Json = { ...tpl };

  if (input.image !== undefined) service.image = input.image;
  if (typeof service.image !== "string" || service.image === "") {
    problems.push(
      `service '${input.name}' has no image: set one in the template or configure the service in the deploy config`,
    );
  }

  // A compose entry without a value is filled from the docker CLI's environment on the manager: refuse it.
  const environment = {
    ...keyValueMap(tpl.environment),
    ...input.env,
    ...(input.config?.pinned ? {} : { BERTH_SHA: input.sha }),
  };
  for (const [key, value] of Object.entries(environment)) {
    if (value === undefined)
      problems.push(
        `environment entry '${key}' has no value; write NAME=value (Berth never passes the manager's environment through)`,
      );
  }
  service.environment = environment;

  const networks = networkMap(tpl.networks);
  for (const key of Object.keys(networks)) {
    if (key.startsWith(RESERVED_PREFIX))
      problems.push(`network '${key}': names starting with '${RESERVED_PREFIX}' are reserved for Berth`);
  }
  if (input.intentionNetworks) {
    // A template network would join services whatever the intentions say.
    for (const key of Object.keys(networks))
      problems.push(
        `network '${key}': with intentions in the deploy config Berth decides which networks services share; remove it from this service`,
      );
    for (const key of Object.keys(networks)) delete networks[key];
    for (const key of input.intentionNetworks) networks[key] = {};
  } else networks[STACK_NETWORK] = {};
  if (input.joinTraefik) networks[TRAEFIK_NETWORK_KEY] = {};
  if (input.joinEdge) networks[EDGE_NETWORK_KEY] = {};
  service.networks = networks;

  if (input.publish) {
    const existing = Array.isArray(tpl.ports) ? tpl.ports : [];
    service.ports = [
      ...existing,
      { target: input.publish.target, published: input.publish.published, protocol: "tcp", mode: "host" },
    ];
  }

  const deploy = asObject(tpl.deploy);
  if (input.config) {
    deploy.replicas = input.replicas ?? input.config.replicas;
    deploy.resources = resources(input.config);
  }
  // No IPVS on these managers, and VIP mode needs it; Traefik balances over task addresses itself.
  deploy.endpoint_mode = "dnsrr";

  const templateLabels = keyValueMap(deploy.labels);
  for (const key of Object.keys(templateLabels)) {
    if (key.startsWith("traefik."))
      problems.push(
        `label '${key}': Traefik labels are rendered by Berth from the config's routing; remove it from the template`,
      );
    if (key.startsWith("berth."))
      problems.push(`label '${key}': labels starting with 'berth.' are set by Berth; remove it from the template`);
  }
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(templateLabels)) labels[k] = v ?? "";
  // Traefik's swarm provider exposes services by default: say "no" explicitly for every service but the public one.
  Object.assign(labels, input.labels, input.traefik ?? { "traefik.enable": "false" });
  deploy.labels = labels;

  Object.assign(
    deploy,
    updatePolicies(
      { healthcheck: service.healthcheck, ports: service.ports },
      { update: deploy.update_config, rollback: deploy.rollback_config },
    ),
  );
  service.deploy = deploy;
  return { service, problems };
}

function resources(config: ServiceConfig): Json {
  const spec = (r: { cpus?: number; memory?: string }) => {
    const out: Json = {};
    // Compose takes cpus as text ("0.5"); a number works in newer CLIs only.
    if (r.cpus !== undefined) out.cpus = String(r.cpus);
    if (r.memory !== undefined) out.memory = r.memory;
    return out;
  };
  return { limits: spec(config.resources.limits), reservations: spec(config.resources.reservations) };
}
