// One view of an environment's state; the check run, the deployment status and the sticky PR comment are all
// rendered from it, so they never disagree.
import type { ConfigProblem } from "../config/types.js";
import type { ServiceStatus, TaskProblem } from "../../ports/swarm.js";

export type Phase =
  | "queued"
  | "rendering"
  | "building" // building the image from the commit's source (branch deploys with build.enabled)
  | "deploying" // docker stack deploy running
  | "converging" // waiting for tasks of the new spec
  | "probing" // tasks up, probing the URL
  | "waiting" // branch deploy held back: CI still running, or an admin's approval (reason says which)
  | "success"
  | "failure" // deploy failed (task errors, timeout, rollback)
  | "config-error" // config invalid: nothing deployed
  | "waiting-approval" // untrusted PR: nothing deployed until someone with write access approves this SHA
  | "refused" // a policy (preview cap) refused the deploy: nothing deployed
  | "superseded" // a newer commit replaced this waiting branch deploy: nothing deployed for it
  | "tearing-down"
  | "torn-down";

export interface EnvironmentView {
  repository: string; // owner/name
  app: string;
  environment: string; // "pr-123"
  stack: string;
  pr?: number;
  sha: string;
  phase: Phase;
  url?: string;
  services: ServiceStatus[];
  startedAt: number; // ms epoch
  finishedAt?: number;
  /** Short human reason for failure / teardown ("closed", "merged"). */
  reason?: string;
  problems?: TaskProblem[];
  logs?: Record<string, string[]>; // service → last lines
  configProblems?: ConfigProblem[];
  /** What is serving now after a failed update, if known ("abc1234 (previous)") */
  servingNow?: string;
  /** waiting-approval: who may approve and how; refused: what to do. */
  policyNote?: string;
  /** Link to the check run, for the comment */
  checkRunUrl?: string;
  /** Set when the view is a later look at the Swarm (/status), not a deploy's outcome: when it was taken. */
  observedAt?: number;
}

/** The fields every view starts from; the rest (services, url, reason, …) fill in as the job goes. */
export interface ViewStart {
  repository: string;
  /** "" while the config could not be read. */
  app?: string;
  environment: string;
  /** "" until the config names the app. */
  stack?: string;
  pr?: number;
  sha: string;
  phase: Phase;
  startedAt: number;
}

/** The one constructor of a view: jobs and failure reports start from it rather than from a hand-built literal. */
export function environmentView(start: ViewStart, more: Partial<EnvironmentView> = {}): EnvironmentView {
  const { app = "", stack = "", pr, ...rest } = start;
  return { app, stack, ...(pr !== undefined ? { pr } : {}), ...rest, services: [], ...more };
}
