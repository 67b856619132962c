// Every Redis key Berth writes beside BullMQ's own (`<prefix>:berth-deploys:*`, which BullMQ names), in one place as
// BullMQ keeps its QueueKeys: one function per key family. The queue and the adapters under app/adapters/redis/ ask
// here; no other file spells a key, so the layout can be read (and changed) at a glance.
export const QUEUE_NAME = "berth-deploys";

/** One preview ("<owner/name>#<pr>") or branch environment ("<owner/name>#staging") of a repository, any case. */
export function scopeKey(repository: string, scope: number | string): string {
  return `${repository.toLowerCase()}#${scope}`;
}

export function berthKeys(prefix: string) {
  const key = (family: string, rest?: string) => `${prefix}:berth:${family}${rest === undefined ? "" : `:${rest}`}`;
  return {
    /** Hash {jobId, receivedAt}: the newest job asked for an environment; an older queued one is superseded. */
    latest: (envKey: string) => key("latest", envKey),
    /** String "<token> <holder json>": the environment's lock, one job at a time. */
    lock: (envKey: string) => key("lock", envKey),
    /** Hash, one field per preview (activityField): last push or command, read whole by the TTL sweeper. */
    activity: () => key("activity"),
    activityField: (repository: string, pr: number) => scopeKey(repository, pr),
    /** Hash sha → approval: /approve of an untrusted PR's commits. */
    approvals: (repository: string, pr: number) => key("approvals", scopeKey(repository, pr)),
    /** Present while the PR's last pull_request event said it is untrusted (fork, outside author). */
    untrusted: (repository: string, pr: number) => key("untrusted", scopeKey(repository, pr)),
    /** Hash service → count: /scale counts later deploys render. */
    replicas: (repository: string, pr: number) => key("replicas", scopeKey(repository, pr)),
    /** String: the id of the reply Berth posted to a command comment, so a rerun of its job edits that reply. */
    commandReply: (repository: string, commentId: number) => key("command-reply", scopeKey(repository, commentId)),
    /** Hash: a job's check run and deployment ids, so a retried job updates them instead of creating new ones. */
    reportHandles: (jobId: string) => key("report", jobId),
    /** List, newest first: a branch environment's releases. */
    releases: (repository: string, environment: string) => key("releases", scopeKey(repository, environment)),
    /** String (json): the branch deploy that waits for CI or approval. */
    waiting: (repository: string, environment: string) => key("waiting", scopeKey(repository, environment)),
    /** Set: the processes that own GitHub writes waiting to be sent. */
    writeOwners: () => key("gh-writes:owners"),
    /** One process's GitHub writes (finals and comments) waiting to be sent; owner "" gives the family's prefix. */
    pendingWrites: (owner: string) => key("gh-writes:pending", owner),
    /** Present while the owning process lives; its pending writes are taken over once it expires. */
    writeLease: (owner: string) => key("gh-writes:lease", owner),
  };
}

/** BullMQ custom ids must not contain ':' nor look like integers (those are its own ids). */
export function jobIdFor(deliveryId: string): string {
  return `d-${deliveryId.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 120)}`;
}
