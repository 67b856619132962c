// Gathers the status page's model from Redis (environment records, audit trail, preview activity) and the deploy
// configs (each preview's TTL). Reads only: the page never touches the Swarm or GitHub.
import type { AuditLog } from "../../ports/audit.js";
import type { EnvironmentStateStore } from "../../ports/environment-states.js";
import type { ActivityStore } from "../../ports/activity.js";
import type { ConfigSource } from "../../ports/config-source.js";
import type { StatusPageModel } from "../../core/status-page/render.js";
import { previewTtlSeconds } from "../../core/policy/ttl.js";

const RECENT = 50;
const HISTORY_PER_ENVIRONMENT = 10;
/** The history of every environment comes from one read of the newest entries. */
const HISTORY_SCAN = 1000;

export interface StatusSources {
  states: EnvironmentStateStore;
  audit: AuditLog;
  activity?: ActivityStore;
  configs?: ConfigSource;
  auditBound: number;
  now(): number;
}

export async function loadStatusPage(src: StatusSources): Promise<StatusPageModel> {
  const [states, entries, activity] = await Promise.all([
    src.states.all(),
    src.audit.list({ limit: HISTORY_SCAN }),
    src.activity?.all() ?? Promise.resolve([]),
  ]);
  const now = src.now();
  const environments = await Promise.all(
    states.map(async (state) => {
      const history = entries
        .filter(
          (a) => a.repository.toLowerCase() === state.repository.toLowerCase() && a.environment === state.environment,
        )
        .slice(0, HISTORY_PER_ENVIRONMENT);
      let ttlLeftMs: number | undefined;
      if (state.pr !== undefined && src.configs) {
        const config = (await src.configs.forRepository(state.repository).catch(() => undefined))?.config;
        const last = activity.find(
          (a) => a.repository.toLowerCase() === state.repository.toLowerCase() && a.pr === state.pr,
        );
        if (config && last) ttlLeftMs = last.at + previewTtlSeconds(config) * 1000 - now;
      }
      return { state, history, ...(ttlLeftMs !== undefined ? { ttlLeftMs } : {}) };
    }),
  );
  return { now, environments, recent: entries.slice(0, RECENT), auditBound: src.auditBound };
}
