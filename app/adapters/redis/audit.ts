// The audit trail as one Redis stream per Berth prefix. XADD with MAXLEN ~ bounds it (Redis trims whole macro
// nodes, so the stream may hold slightly more than the bound, never unboundedly more). Stream ids are ms
// timestamps, so "since" is a range start, not a scan.
import type { Redis } from "ioredis";
import type { AuditEntry, AuditLog, AuditQuery } from "../../ports/audit.js";
import { berthKeys } from "../../queue/keys.js";

export const DEFAULT_AUDIT_MAXLEN = 10_000;
/** Entries read per XREVRANGE page while filtering by repository or environment. */
const PAGE = 500;
/** A filtered read never walks more than this many entries (the whole stream at the default bound). */
const MAX_SCANNED = 20_000;

export function createAuditLog(redis: Redis, prefix: string, maxLen = DEFAULT_AUDIT_MAXLEN): AuditLog {
  const key = berthKeys(prefix).audit();
  return {
    async append(entry) {
      await redis.xadd(key, "MAXLEN", "~", String(maxLen), "*", "e", JSON.stringify(entry));
    },
    async list(query: AuditQuery = {}) {
      const limit = Math.max(1, Math.min(query.limit ?? 100, 5_000));
      const start = query.since !== undefined ? String(Math.max(0, Math.floor(query.since))) : "-";
      const repository = query.repository?.toLowerCase();
      const out: Array<AuditEntry & { id: string }> = [];
      let end = "+";
      for (let scanned = 0; out.length < limit && scanned < MAX_SCANNED;) {
        const page = await redis.xrevrange(key, end, start, "COUNT", PAGE);
        if (page.length === 0) break;
        scanned += page.length;
        for (const [id, fields] of page) {
          const entry = parseEntry(fields);
          if (!entry) continue;
          if (repository && entry.repository.toLowerCase() !== repository) continue;
          if (query.environment && entry.environment !== query.environment) continue;
          // The id is when it was appended; `at` when it happened (a moment earlier): "since" means the latter.
          if (query.since !== undefined && entry.at < query.since) continue;
          out.push({ ...entry, id });
          if (out.length >= limit) break;
        }
        if (page.length < PAGE) break;
        end = `(${page[page.length - 1]![0]}`;
      }
      return out;
    },
  };
}

function parseEntry(fields: string[]): AuditEntry | undefined {
  const i = fields.indexOf("e");
  if (i < 0 || i + 1 >= fields.length) return undefined;
  try {
    return JSON.parse(fields[i + 1]!) as AuditEntry;
  } catch {
    return undefined;
  }
}
