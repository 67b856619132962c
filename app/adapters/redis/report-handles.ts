import type { Redis } from "ioredis";
import { berthKeys } from "../../queue/keys.js";
import type { ReportHandles, ReportHandleStore } from "../../ports/report-handles.js";

const TTL_SECONDS = 7 * 24 * 3600;

export function createReportHandleStore(redis: Redis, prefix: string): ReportHandleStore {
  const key = berthKeys(prefix).reportHandles;
  return {
    async get(jobId) {
      const raw = await redis.hgetall(key(jobId));
      const handles: ReportHandles = {};
      if (raw.checkRunId) handles.checkRunId = Number(raw.checkRunId);
      if (raw.checkRunUrl) handles.checkRunUrl = raw.checkRunUrl;
      if (raw.deploymentId) handles.deploymentId = Number(raw.deploymentId);
      return handles;
    },
    async merge(jobId, handles) {
      const fields = Object.entries(handles)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, String(v)]);
      if (fields.length === 0) return;
      await redis.multi().hset(key(jobId), Object.fromEntries(fields)).expire(key(jobId), TTL_SECONDS).exec();
    },
  };
}
