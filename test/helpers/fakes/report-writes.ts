// ReportWrites that send each write at once through the real transport into the fake GitHub: job tests see every
// picture a job reports, in order — the scheduler's pacing and coalescing (which send fewer) have their own tests.
import { pino } from "pino";
import type { ReportWrites } from "../../../app/ports/report-writes.js";
import type { GitHubReporter } from "../../../app/ports/github-reporter.js";
import type { ReportHandleStore } from "../../../app/ports/report-handles.js";
import { classifyReportWrite, reportWriteTransport } from "../../../app/adapters/github/report-writes.js";

export function immediateWrites(reporter: GitHubReporter, handles: ReportHandleStore): ReportWrites {
  const transport = reportWriteTransport({
    reporterFor: () => Promise.resolve(reporter),
    handles,
    webBaseUrl: "https://github.com",
    log: pino({ level: "silent" }),
  });
  let seq = 0;
  return {
    async enqueue(installationId, payload) {
      const { subject, class: cls } = classifyReportWrite(payload);
      const write = { id: String(++seq), installationId, subject, class: cls, payload, enqueuedAt: 0, seq };
      // "again": the check run was just created; the scheduler sends the picture itself later — here at once.
      if ((await transport.send(write, () => Promise.resolve())) === "again")
        await transport.send(write, () => Promise.resolve());
    },
  };
}
