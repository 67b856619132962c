// What the status page shows of each live environment, as the last job that touched it left it: written when a
// deploy ends (success, or a failed update that Swarm rolled back) and removed by its teardown.

export interface EnvironmentState {
  repository: string;
  environment: string; // "pr-12", "staging", "production"
  app: string;
  stack: string;
  pr?: number;
  url?: string;
  sha: string;
  /** healthy: the last deploy passed the health gate; failing: the last deploy failed and an older spec serves. */
  health: "healthy" | "failing";
  /** One line on the last deploy's outcome (the failure reason when failing). */
  note?: string;
  services: Array<{ service: string; running: number; desired: number }>;
  /** ms epoch: first went live (kept across redeploys), last changed. */
  since: number;
  updatedAt: number;
  lastDeploy?: { at: number; by: string; trigger: string };
}

export interface EnvironmentStateStore {
  get(repository: string, environment: string): Promise<EnvironmentState | undefined>;
  put(state: EnvironmentState): Promise<void>;
  /** Merge who triggered the deploy the state describes (known to the job, not to the report). */
  noteTrigger(
    repository: string,
    environment: string,
    lastDeploy: NonNullable<EnvironmentState["lastDeploy"]>,
  ): Promise<void>;
  remove(repository: string, environment: string): Promise<void>;
  all(): Promise<EnvironmentState[]>;
}
