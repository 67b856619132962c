// berth audit: the audit trail Berth keeps in Redis — deploys, commands, refusals, approvals, evictions, expiries —
// newest first, one entry a line (or --json).
import { Redis } from "ioredis";
import { createAuditLog } from "../../adapters/redis/audit.js";
import type { AuditEntry } from "../../ports/audit.js";
import { CliFailure, EXIT, UsageError, stringValue, type CliCommand } from "./command.js";
import { redisEnvironmentNote } from "./common-options.js";
import { repositoryArgument } from "./deploy-target.js";

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

export const auditCommand: CliCommand = {
  name: "audit",
  summary: "list the audit trail: deploys, commands, refusals, approvals, evictions, expiries (newest first)",
  usage: "audit [owner/repo] [--since 1h|30m|7d|ISO-TIME] [--environment ENV] [--limit N] [--json]",
  details: [
    "Each line: time, who, what, repository, environment, commit, result, detail.",
    "The trail is a Redis stream bounded by BERTH_AUDIT_MAX_ENTRIES (default 10000); the oldest entries go first.",
    redisEnvironmentNote,
  ],
  options: {
    since: { type: "string", value: "WHEN", description: "only entries since 30m, 2h, 7d ago or an ISO time" },
    environment: { type: "string", short: "e", value: "ENV", description: "only this environment (pr-12, staging…)" },
    limit: { type: "string", value: "N", default: "50", description: "at most N entries (1–5000)" },
  },
  positionals: { min: 0, max: 1 },
  async run(ctx) {
    const repository = ctx.positionals[0] !== undefined ? repositoryArgument(ctx.positionals[0]) : undefined;
    const sinceText = stringValue(ctx, "since");
    const since = sinceText !== undefined ? parseSince(sinceText, Date.now()) : undefined;
    if (sinceText !== undefined && since === undefined)
      throw new UsageError(`--since must be like 30m, 2h, 7d or an ISO time, got ${JSON.stringify(sinceText)}`);
    const limit = Number(stringValue(ctx, "limit") ?? "50");
    if (!Number.isInteger(limit) || limit < 1 || limit > 5000)
      throw new UsageError("--limit must be a whole number from 1 to 5000");
    const environment = stringValue(ctx, "environment");
    const prefix = ctx.env.BERTH_QUEUE_PREFIX ?? "berth";
    // Fail fast when Redis is down: a terminal command must not wait forever like the worker does.
    const redis = new Redis(ctx.env.REDIS_URL ?? "redis://127.0.0.1:6379", {
      maxRetriesPerRequest: 1,
      connectTimeout: 5_000,
      retryStrategy: (n) => (n > 2 ? null : 200),
    });
    redis.on("error", () => undefined); // reported once, below
    let entries;
    try {
      entries = await createAuditLog(redis, prefix).list({
        ...(repository ? { repository } : {}),
        ...(environment ? { environment } : {}),
        ...(since !== undefined ? { since } : {}),
        limit,
      });
    } catch (e) {
      throw new CliFailure(`cannot read the audit trail from Redis: ${(e as Error).message}`);
    } finally {
      redis.disconnect();
    }
    if (entries.length === 0) ctx.say(`no audit entries${repository ? ` for ${repository}` : ""} (prefix ${prefix})`);
    entries.forEach((e) => ctx.say(auditLine(e)));
    ctx.emit({ ok: true, entries: entries.map(({ id: _id, ...e }) => e) });
    return EXIT.ok;
  },
};
