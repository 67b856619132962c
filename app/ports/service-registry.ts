// Where an environment's services are registered once it is healthy, and found again: etcd or Consul behind one
// interface. Entries are keyed by repository/environment/service so a teardown removes exactly one environment's.
export interface RegistryEntry {
  /** <stack>_<service>: unique on the Swarm. */
  id: string;
  /** <app>-<service>: what clients look up. */
  name: string;
  /** The Swarm service name, resolvable on the environment's network (dnsrr: one record per task). */
  address: string;
  port?: number;
  tags: string[];
  meta: { repository: string; environment: string; sha: string; url: string; stack: string; service: string };
  /** A check that points at the service itself. */
  check?: { http: string; intervalSeconds: number; timeoutSeconds: number };
}

export interface RegistryChange {
  kind: "registered" | "deregistered";
  id: string;
  entry?: RegistryEntry;
}

export interface ServiceRegistry {
  /** Which store this is, for messages ("key … is not in the etcd KV store"). */
  readonly backend: "etcd" | "consul";
  /** Registers (or replaces) entries; they stay while this Berth lives (etcd: a lease it keeps alive). */
  register(entries: readonly RegistryEntry[]): Promise<void>;
  /** Removes every entry of one environment; returns the ids removed. */
  deregisterEnvironment(repository: string, environment: string): Promise<string[]>;
  /** Every entry, optionally only those named `name`. */
  list(name?: string): Promise<RegistryEntry[]>;
  /** Calls `onChange` for each change until the returned function is called. */
  watch(onChange: (change: RegistryChange) => void): Promise<() => Promise<void>>;
  /** Configuration values under berth/<repository>/<environment>/ (key relative to that prefix → value). */
  values(repository: string, environment: string): Promise<Record<string, string>>;
  close(): Promise<void>;
}
