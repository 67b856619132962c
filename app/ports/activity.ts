// When each preview last saw a push or a command: the TTL sweeper tears down the idle ones, the cap evicts the
// least recently active one.
export interface Activity {
  repository: string;
  pr: number;
  installationId: number;
  at: number; // ms epoch
}

export interface ActivityStore {
  touch(activity: Activity): Promise<void>;
  /** Every recorded preview, all repositories. */
  all(): Promise<Activity[]>;
  /** The repository's previews, keyed by environment name ("pr-12"). */
  ofRepository(repository: string): Promise<Map<string, Activity>>;
  forget(repository: string, pr: number): Promise<void>;
}
