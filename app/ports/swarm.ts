// What jobs need from a Swarm manager. The SSH adapter implements it; test/helpers/fakes/swarm.ts plays it in memory.
import type { ServiceUsage } from "../core/policy/quotas.js";

export interface TaskProblem {
  service: string; // short service name ("web")
  taskId: string;
  state: string; // Swarm task state: failed, rejected, shutdown…
  /** Swarm's own words: Status.Err or Status.Message, e.g. "task: non-zero exit (1)" */
  error: string;
  at: string; // ISO time
}

export interface ServiceStatus {
  /** Short name as in the compose file ("web"); fullName is "<stack>_web" */
  service: string;
  fullName: string;
  image: string;
  desired: number;
  /** Tasks running the current spec (healthy, where a healthcheck exists) */
  running: number;
  /** Swarm UpdateStatus.State if any: updating, paused, completed, rollback_started, rollback_completed… */
  updateState?: string;
  updateMessage?: string;
  /** Host names of the nodes running those tasks, one entry per task (stackServices only; polls skip it). */
  nodes?: string[];
  /** The commit the service was deployed for (its berth.sha label). */
  sha?: string;
}

export interface StackProgress {
  services: ServiceStatus[];
  problems: TaskProblem[];
}

export type StackOutcome =
  | { ok: true; services: ServiceStatus[] }
  | {
      ok: false;
      /** removed: the stack has no services any more (removed by hand or by another tool while it was watched). */
      reason: "rolled-back" | "paused" | "tasks-failing" | "timeout" | "abandoned" | "removed";
      message: string;
      services: ServiceStatus[];
      problems: TaskProblem[];
    };

export interface WaitOptions {
  /** Absolute deadline, ms since epoch */
  deadline: number;
  /** Fail early once this many tasks of the new spec failed */
  maxFailedTasks: number;
  /** Called at most once per poll with the current picture */
  onProgress?: (p: StackProgress) => void | Promise<void>;
  /** Only task failures after this instant count (ms since epoch) */
  since: number;
  /**
   * healthy (default): return as soon as the current spec's tasks run healthy with the desired replicas, while
   * Swarm may still watch the update. converged: also wait until Swarm completed (or rolled back) the update.
   */
  until?: "healthy" | "converged";
  /** Asked before each look: true ends the wait at once with reason "abandoned" (a newer deploy took over). */
  abandon?: () => Promise<boolean>;
}

/** One live environment of a repository as the Swarm shows it (services labelled berth.repository). */
export interface LiveEnvironment {
  environment: string; // berth.environment: "pr-12", "staging"
  stack: string;
  /** berth.sha of its services: the commit it was deployed for. */
  sha?: string;
  services: ServiceUsage[];
}

export interface SwarmPort {
  /** `docker stack deploy --prune --resolve-image never -c - <stack>`; the YAML goes over stdin. */
  deployStack(stack: string, composeYaml: string): Promise<void>;
  /** Poll until every service runs its current spec with desired replicas, or fail. */
  waitForStack(stack: string, opts: WaitOptions): Promise<StackOutcome>;
  /** `docker service scale --detach <service>=<replicas>`: only the count changes, no task is replaced. */
  scaleService(fullName: string, replicas: number): Promise<void>;
  /** Current services of a stack (empty when the stack does not exist). */
  stackServices(stack: string): Promise<ServiceStatus[]>;
  /** Roll back services whose update did not converge (docker service rollback). */
  rollbackServices(fullNames: string[]): Promise<void>;
  /** `docker stack rm`, then wait until services, containers, networks and volumes labelled with the stack are gone. */
  removeStack(stack: string, opts: { deadline: number }): Promise<{ removedVolumes: string[] }>;
  /** `docker image inspect` on the manager: image ID and registry digests per reference (for promotion). */
  inspectImages(refs: string[]): Promise<Record<string, { id: string; repoDigests: string[] }>>;
  /** `docker build -t <tag> -f <dockerfile> -` on the manager, the context tar streamed over stdin. Returns the image ID. */
  buildImage(tag: string, dockerfile: string, context: Buffer): Promise<string>;
  /** `docker push <tag>`; returns the pushed repo@sha256 digest. */
  pushImage(tag: string): Promise<string>;
  /** Last lines of a service's logs (stdout+stderr, timestamps stripped). */
  serviceLogs(fullName: string, tail: number): Promise<string[]>;
  /** Environments of a repository that have services on the Swarm, with their resources (for caps and quotas). */
  liveEnvironments(repository: string): Promise<LiveEnvironment[]>;
  /** Nodes in the Swarm (docker node ls); absent in fakes = one. */
  nodeCount?(): Promise<number>;
  /** Creates the secret unless it exists; the value goes over stdin, never into an argument or a log. */
  ensureSecret(name: string, value: string, labels: Record<string, string>): Promise<void>;
  /** Removes the stack's secrets (label berth.stack) not in `keep`; one still in use is left for the next run. */
  removeStackSecrets(stack: string, keep: readonly string[]): Promise<string[]>;
}

/** UpdateStatus.State values meaning Swarm gave up on an update and restores (or restored) the previous spec. */
export const ROLLBACK_STATES: ReadonlySet<string> = new Set([
  "rollback_started",
  "rollback_completed",
  "rollback_paused",
]);
