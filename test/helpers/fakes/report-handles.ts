// ReportHandleStore in memory: merge keeps earlier fields and ignores undefined ones, as the Redis hash does.
import type { ReportHandleStore, ReportHandles } from "../../../app/ports/report-handles.js";

export class FakeReportHandleStore implements ReportHandleStore {
  readonly byJob = new Map<string, ReportHandles>();

  get(jobId: string): Promise<ReportHandles> {
    return Promise.resolve({ ...this.byJob.get(jobId) });
  }

  merge(jobId: string, handles: ReportHandles): Promise<void> {
    const defined = Object.fromEntries(Object.entries(handles).filter(([, v]) => v !== undefined));
    this.byJob.set(jobId, { ...this.byJob.get(jobId), ...defined });
    return Promise.resolve();
  }
}
