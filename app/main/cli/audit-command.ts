// berth audit [owner/repo] [--since 1h|2026-12-01T10:00Z] [--environment pr-12] [--limit 50] [--json]
// Reads the audit trail Berth keeps in Redis (REDIS_URL, BERTH_QUEUE_PREFIX): newest first, one entry a line.
// Exit codes: 0 listed (possibly nothing), 1 Redis could not be read, 2 wrong usage.
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { createAuditLog } from "../../adapters/redis/audit.js";
import type { AuditEntry } from "../../ports/audit.js";

export const AUDIT_USAGE =
  "usage: berth audit [owner/repo] [--since 1h|30m|7d|<ISO time>] [--environment pr-12|staging|production] [--limit N] [--json]";

export interface AuditCommandDeps {
  env: Record<string, string | undefined>;
  out: (line: string) => void;
  err: (line: string) => void;
  now?: () => number;
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "90s", "30m", "2h", "7d", "1w" ago, or an ISO 8601 time; undefined when it is neither. */
export function parseSince(text: string, now: number): number | undefined {
  const rel = /^(\d{1,6})([smhdw])$/.exec(text.trim());
  if (rel) return now - Number(rel[1]) * UNITS[rel[2]!]!;
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isFinite(at) ? at : undefined;
}

export function auditLine(a: AuditEntry): string {
  const time = new Date(a.at).toISOString().replace(/\.\d+Z$/, "Z");
  return [time, a.who, a.action, a.repository, a.environment, a.sha.slice(0, 7) || "-", a.result, a.detail]
    .map((x) => String(x).replace(/\s+/g, " "))
    .join("  ");
}

export async function runAudit(args: string[], deps: AuditCommandDeps): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        since: { type: "string" },
        environment: { type: "string", short: "e" },
        limit: { type: "string", default: "50" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    deps.err(`${(e as Error).message}\n${AUDIT_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    deps.out(`${AUDIT_USAGE}\n\nLists deploys, commands, refusals, approvals, evictions and expiries, newest first.`);
    return 0;
  }
  const [repository, ...extra] = positionals;
  const limit = Number(values.limit);
  const since = values.since !== undefined ? parseSince(values.since, (deps.now ?? Date.now)()) : undefined;
  const problem =
    extra.length > 0
      ? `unexpected argument ${JSON.stringify(extra[0])}`
      : repository !== undefined && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)
        ? `repository must be owner/name, got ${JSON.stringify(repository)}`
        : values.since !== undefined && since === undefined
          ? `--since must be like 30m, 2h, 7d or an ISO time, got ${JSON.stringify(values.since)}`
          : !Number.isInteger(limit) || limit < 1 || limit > 5000
            ? "--limit must be a whole number from 1 to 5000"
            : undefined;
  if (problem) {
    deps.err(`${problem}\n${AUDIT_USAGE}`);
    return 2;
  }
  const redis = new Redis(deps.env.REDIS_URL ?? "redis://127.0.0.1:6379", {
    maxRetriesPerRequest: 1,
    connectTimeout: 5_000,
    retryStrategy: (n) => (n > 2 ? null : 200),
  });
  redis.on("error", () => undefined); // reported below, once
  const prefix = deps.env.BERTH_QUEUE_PREFIX ?? "berth";
  try {
    const entries = await createAuditLog(redis, prefix).list({
      ...(repository ? { repository } : {}),
      ...(values.environment ? { environment: values.environment } : {}),
      ...(since !== undefined ? { since } : {}),
      limit,
    });
    if (values.json) deps.out(JSON.stringify(entries.map(({ id: _id, ...e }) => e)));
    else if (entries.length === 0)
      deps.out(`no audit entries${repository ? ` for ${repository}` : ""} (prefix ${prefix})`);
    else entries.forEach((e) => deps.out(auditLine(e)));
    return 0;
  } catch (e) {
    deps.err(`cannot read the audit trail from Redis: ${(e as Error).message}`);
    return 1;
  } finally {
    redis.disconnect();
  }
}
