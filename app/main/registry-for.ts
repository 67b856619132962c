// The service registry a BERTH_DISCOVERY setting names: the worker registers through it, the CLI reads through it.
import type { Logger } from "pino";
import type { BerthEnv } from "./env.js";
import type { ServiceRegistry } from "../ports/service-registry.js";
import { createEtcdRegistry } from "../adapters/discovery/etcd-registry.js";
import { createConsulRegistry } from "../adapters/discovery/consul-registry.js";

export function registryFor(discovery: BerthEnv["discovery"], log?: Logger): ServiceRegistry | undefined {
  if (discovery?.kind === "etcd")
    return createEtcdRegistry({
      endpoints: discovery.endpoints,
      leaseSeconds: discovery.leaseSeconds,
      ...(log ? { log } : {}),
    });
  if (discovery?.kind === "consul")
    return createConsulRegistry({
      url: discovery.url,
      ...(discovery.token ? { token: discovery.token } : {}),
      ...(log ? { log } : {}),
    });
  return undefined;
}
