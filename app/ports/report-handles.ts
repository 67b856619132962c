// Ids of what a job created on GitHub, kept outside the job so a retried or re-run job edits the same check run
// and deployment instead of creating new ones (jobs are at-least-once).
export interface ReportHandles {
  checkRunId?: number;
  checkRunUrl?: string;
  deploymentId?: number;
}

export interface ReportHandleStore {
  get(jobId: string): Promise<ReportHandles>;
  merge(jobId: string, handles: ReportHandles): Promise<void>;
}
