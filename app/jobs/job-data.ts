// What a queued job carries: ids and SHAs, never whole payloads (a job may be retried hours later; the payload
// would be stale, and Redis is not the place for PR bodies).

interface JobBase {
  repository: string; // "owner/name", as GitHub sent it
  installationId: number;
  deliveryId: string; // X-GitHub-Delivery: the job id, so a redelivery is a no-op
  sender: string; // login of who caused it
  receivedAt: number; // ms epoch when the webhook arrived: orders jobs of one environment
}

export interface DeployPreviewJob extends JobBase {
  kind: "deploy-preview";
  pr: number;
  sha: string;
}

export interface TeardownPreviewJob extends JobBase {
  kind: "teardown-preview";
  pr: number;
  sha: string;
  reason: "closed" | "merged";
}

export type JobData = DeployPreviewJob | TeardownPreviewJob;

/** The serialisation key: at most one job per environment runs at a time, and the newest one wins. */
export function environmentKey(data: JobData): string {
  return `${data.repository.toLowerCase()}#pr-${data.pr}`;
}

export type JobResult =
  | { outcome: "deployed"; url: string; durationMs: number }
  | { outcome: "failed"; reason: string }
  | { outcome: "torn-down"; durationMs: number }
  | { outcome: "superseded"; by: string }
  | { outcome: "skipped"; reason: string };
