// What the CLI and the Action read from a Swarm manager beyond what jobs need: a stack as plan compares it, and every
// environment Berth runs there, read from the berth.* labels (the Swarm is the truth, not Redis).
import type { StackSpec } from "../core/plan/stack-spec.js";

export interface EnvironmentServiceState {
  service: string;
  image: string;
  desired: number;
  running: number;
  updateState?: string;
}

export interface LiveEnvironmentState {
  repository: string; // berth.repository
  environment: string; // berth.environment
  app: string; // berth.app
  stack: string;
  /** berth.sha of the services (the newest when they differ, e.g. a pinned ingress). */
  sha?: string;
  /** Oldest service creation time (ISO): when the environment appeared. */
  createdAt: string;
  /** Newest service update time (ISO): the last deploy that changed a spec. */
  updatedAt: string;
  services: EnvironmentServiceState[];
}

export interface SwarmInventory {
  /** The stack's services as plan compares them (empty services when the stack does not exist). */
  stackSpec(stack: string): Promise<StackSpec>;
  /** Environments with services labelled berth.repository; only that repository's when given. */
  environments(repository?: string): Promise<LiveEnvironmentState[]>;
}
