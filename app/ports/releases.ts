// Per branch environment: the release history (newest first, bounded) and the deploy that waits for CI or approval.
import type { Release } from "../core/release.js";

export interface WaitingDeploy {
  /** The job whose check run and deployment keep reporting until the deploy runs (report handles are per job). */
  jobId: string;
  sha: string;
  ref: string;
  trigger: string;
  sender: string;
  pr?: number;
  waitingFor: "ci" | "approval";
  since: number;
}

export interface ReleaseStore {
  history(repository: string, environment: string): Promise<Release[]>;
  record(repository: string, environment: string, release: Release, keep: number): Promise<void>;
  /** Takes a recorded release back out of the history: Swarm rolled its update back after it was reported healthy. */
  withdraw(repository: string, environment: string, releaseId: string): Promise<void>;
  waiting(repository: string, environment: string): Promise<WaitingDeploy | undefined>;
  setWaiting(repository: string, environment: string, waiting: WaitingDeploy): Promise<void>;
  /** Clears the waiting deploy only if it is still the given job's (a newer push may have replaced it). */
  clearWaiting(repository: string, environment: string, jobId?: string): Promise<void>;
}
