// Replica counts set by /scale, per repository and PR. Swarm resets replicas to the file's value on every stack
// deploy, so later deploys render these; teardown forgets them.
import type { StoredReplicas } from "../core/commands/limits.js";

export interface ReplicaStore {
  get(repository: string, pr: number): Promise<Record<string, StoredReplicas>>;
  /** Sets one service's count; `undefined` removes it (back to the config's value). */
  set(repository: string, pr: number, service: string, value: StoredReplicas | undefined): Promise<void>;
  forget(repository: string, pr: number): Promise<void>;
}
