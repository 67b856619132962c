// A registry entry as Consul's agent takes it (PUT /v1/agent/service/register) and back from what Consul answers
// (agent services, catalog). Consul keeps no readable copy of a check's definition, so the check Berth registered
// also travels in Meta (check_http, check_interval, check_timeout): the reconciliation pass can then tell an
// unchanged registration from one whose health path moved. Pure: the adapter does the HTTP.
import type { RegistryEntry } from "../../ports/service-registry.js";

/** PUT /v1/agent/service/register body (Consul's documented field names). */
export interface ConsulRegistration {
  ID: string;
  Name: string;
  Address: string;
  Port?: number;
  Tags: string[];
  Meta: Record<string, string>;
  Check?: { HTTP: string; Interval: string; Timeout: string; DeregisterCriticalServiceAfter: string };
}

/** The service fields Berth reads back, whichever endpoint answered (agent: ID/Service, catalog: ServiceID/…). */
export interface ConsulService {
  id: string;
  name: string;
  address: string;
  port: number;
  tags: readonly string[];
  meta: Readonly<Record<string, string>>;
}

/** The tag every Berth registration carries: Berth never reads or removes a service without it. */
export const BERTH_TAG = "berth";
/** A check critical this long removes the service in Consul itself: an environment Berth lost track of. */
const DEREGISTER_CRITICAL_AFTER = "30m";

export function consulRegistration(entry: RegistryEntry): ConsulRegistration {
  const check = entry.check;
  return {
    ID: entry.id,
    Name: entry.name,
    Address: entry.address,
    ...(entry.port === undefined ? {} : { Port: entry.port }),
    Tags: [...entry.tags],
    Meta: {
      ...entry.meta,
      ...(check
        ? {
            check_http: check.http,
            check_interval: `${check.intervalSeconds}s`,
            check_timeout: `${check.timeoutSeconds}s`,
          }
        : {}),
    },
    ...(check
      ? {
          Check: {
            HTTP: check.http,
            Interval: `${check.intervalSeconds}s`,
            Timeout: `${check.timeoutSeconds}s`,
            DeregisterCriticalServiceAfter: DEREGISTER_CRITICAL_AFTER,
          },
        }
      : {}),
  };
}

const seconds = (text: string | undefined): number | undefined => {
  const m = /^([0-9]+)s$/.exec(text ?? "");
  return m ? Number(m[1]) : undefined;
};

/** Back to a registry entry; undefined for a service Berth did not register (no berth tag or metadata). */
export function entryFromConsul(svc: ConsulService): RegistryEntry | undefined {
  const m = svc.meta;
  if (!svc.tags.includes(BERTH_TAG)) return undefined;
  const { repository, environment, sha, url, stack, service } = m;
  if (!repository || !environment || !sha || !url || !stack || !service) return undefined;
  const interval = seconds(m.check_interval);
  const timeout = seconds(m.check_timeout);
  return {
    id: svc.id,
    name: svc.name,
    address: svc.address,
    ...(svc.port > 0 ? { port: svc.port } : {}),
    tags: [...svc.tags],
    meta: { repository, environment, sha, url, stack, service },
    ...(m.check_http && interval !== undefined && timeout !== undefined
      ? { check: { http: m.check_http, intervalSeconds: interval, timeoutSeconds: timeout } }
      : {}),
  };
}
