// Redis key layout beside BullMQ's own keys (`<prefix>:berth-deploys:*`).
export const QUEUE_NAME = "berth-deploys";

export const keys = {
  latest: (prefix: string, envKey: string) => `${prefix}:berth:latest:${envKey}`,
  lock: (prefix: string, envKey: string) => `${prefix}:berth:lock:${envKey}`,
};

/** BullMQ custom ids must not contain ':' nor look like integers (those are its own ids). */
export function jobIdFor(deliveryId: string): string {
  return `d-${deliveryId.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 120)}`;
}

/** GitHub writes waiting to be sent (finals and comments), per owning process, and the owners' liveness leases. */
export const writeKeys = {
  owners: (prefix: string) => `${prefix}:berth:gh-writes:owners`,
  pending: (prefix: string, owner: string) => `${prefix}:berth:gh-writes:pending:${owner}`,
  lease: (prefix: string, owner: string) => `${prefix}:berth:gh-writes:lease:${owner}`,
};
