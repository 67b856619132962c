// What `berth plan` compares: the parts of a stack a deploy changes that people ask about — which services exist,
// their images and replicas, which networks and secrets they use. Read from a rendered compose file here; the Swarm
// adapter reads the same shape from `docker service inspect`.
import { parse } from "yaml";

export interface ServiceSpec {
  /** Short name as in the compose file ("web"). */
  service: string;
  image: string;
  replicas: number;
  /** Full Swarm names ("shop-pr-1_berth"), sorted. */
  networks: string[];
  /** Full Swarm secret names, sorted. */
  secrets: string[];
  /** The commit the service runs (label berth.sha); absent on pinned or foreign services. */
  sha?: string;
}

export interface StackSpec {
  stack: string;
  services: ServiceSpec[];
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});

/** docker stack deploy names a network or secret `<stack>_<key>` unless the top level gives it a `name`. */
function swarmName(stack: string, key: string, top: Obj): string {
  const name = obj(top[key]).name;
  return typeof name === "string" ? name : `${stack}_${key}`;
}

function keysOf(v: unknown, pick: (item: unknown) => string | undefined): string[] {
  if (Array.isArray(v)) return v.map(pick).filter((k): k is string => k !== undefined);
  return Object.keys(obj(v));
}

/** The compose file Berth renders (and docker stack deploy reads) → the stack it describes. */
export function specFromCompose(stack: string, composeYaml: string): StackSpec {
  const doc = obj(parse(composeYaml));
  const networks = obj(doc.networks);
  const secrets = obj(doc.secrets);
  const services = Object.entries(obj(doc.services)).map(([service, raw]) => {
    const s = obj(raw);
    const deploy = obj(s.deploy);
    const netKeys =
      s.networks === undefined ? ["default"] : keysOf(s.networks, (i) => (typeof i === "string" ? i : undefined));
    const secretKeys = keysOf(s.secrets, (i) => (typeof i === "string" ? i : (obj(i).source as string | undefined)));
    return {
      service,
      image: String(s.image ?? ""),
      replicas: typeof deploy.replicas === "number" ? deploy.replicas : 1,
      networks: netKeys.map((k) => swarmName(stack, k, networks)).sort(),
      secrets: secretKeys.map((k) => swarmName(stack, k, secrets)).sort(),
      ...commitOf(obj(deploy.labels)),
    };
  });
  return { stack, services: services.sort((a, b) => a.service.localeCompare(b.service)) };
}

export function commitOf(labels: Record<string, unknown>): { sha?: string } {
  const sha = labels["berth.sha"];
  return typeof sha === "string" && sha !== "" ? { sha } : {};
}
