// berth discovery list|find|watch: what the service registry (etcd or Consul, BERTH_DISCOVERY) holds for Berth's
// environments, read through the same adapter the worker registers with.
import type { RegistryChange, RegistryEntry } from "../../ports/service-registry.js";
import { CliFailure, EXIT, UsageError, stringValue, type CliCommand, type CliContext } from "./command.js";
import { repositoryArgument } from "./deploy-target.js";
import { discoveryEnvironmentNote, withRegistry } from "./discovery-access.js";

const SUBCOMMANDS = ["list", "find", "watch"] as const;

function line(e: RegistryEntry): string {
  const where = e.port === undefined ? e.address : `${e.address}:${e.port}`;
  return [e.name, e.id, where, e.meta.repository, e.meta.environment, e.meta.sha.slice(0, 7), e.meta.url].join("  ");
}

function positiveInt(ctx: CliContext, name: string): number | undefined {
  const raw = stringValue(ctx, name);
  if (raw === undefined) return undefined;
  if (!/^[1-9][0-9]{0,6}$/.test(raw)) throw new UsageError(`--${name} must be a whole number ≥ 1, got ${raw}`);
  return Number(raw);
}

function filters(ctx: CliContext): (e: RegistryEntry) => boolean {
  const repository = stringValue(ctx, "repository");
  if (repository !== undefined) repositoryArgument(repository);
  const environment = stringValue(ctx, "environment");
  return (e) =>
    (repository === undefined || e.meta.repository.toLowerCase() === repository.toLowerCase()) &&
    (environment === undefined || e.meta.environment === environment);
}

export const discoveryCommand: CliCommand = {
  name: "discovery",
  summary: "read the service registry: list every entry, find a service, or watch changes as they happen",
  usage:
    "discovery list|find <service>|watch [--repository OWNER/REPO] [--environment ENV] [--count N] [--timeout SECONDS] [--json]",
  details: [
    "list: every entry Berth registered. find <service>: entries named <service> (<app>-<service>, as clients look",
    "it up) or, when none is, entries of that short service name. watch: one line per registration or removal",
    "until Ctrl-C, --count changes, or --timeout seconds (with --json: one JSON object per line).",
    "find exits 1 when nothing matches.",
    discoveryEnvironmentNote,
  ],
  options: {
    repository: { type: "string", value: "OWNER/REPO", description: "only this repository's entries" },
    environment: { type: "string", value: "ENV", description: "only this environment's entries (pr-12, staging…)" },
    count: { type: "string", value: "N", description: "watch: stop after N changes" },
    timeout: { type: "string", value: "SECONDS", description: "watch: stop after this many seconds" },
  },
  positionals: { min: 1, max: 2 },
  async run(ctx) {
    const sub = ctx.positionals[0] as (typeof SUBCOMMANDS)[number];
    if (!SUBCOMMANDS.includes(sub))
      throw new UsageError(`unknown discovery command '${ctx.positionals[0]}' (list, find or watch)`);
    const service = ctx.positionals[1];
    if (sub === "find" && service === undefined) throw new UsageError("find needs the service to look up");
    if (sub !== "find" && service !== undefined) throw new UsageError(`unexpected argument '${service}'`);
    if (sub !== "watch" && (ctx.values.count !== undefined || ctx.values.timeout !== undefined))
      throw new UsageError("--count and --timeout apply to watch only");
    const keep = filters(ctx);
    const count = positiveInt(ctx, "count");
    const timeout = positiveInt(ctx, "timeout");

    return withRegistry(ctx.env, async (registry) => {
      if (sub === "watch") return watch(ctx, (onChange) => registry.watch(onChange), keep, count, timeout);
      let entries = await registry.list(sub === "find" ? service : undefined);
      if (sub === "find" && entries.length === 0)
        entries = (await registry.list()).filter((e) => e.meta.service === service);
      entries = entries.filter(keep);
      ctx.emit({ ok: sub === "list" || entries.length > 0, backend: registry.backend, entries });
      if (entries.length === 0) {
        if (sub === "find") {
          ctx.err(`berth discovery: no registered service ${service} in ${registry.backend} (matching the filters)`);
          return EXIT.failure;
        }
        ctx.say(`no entries in ${registry.backend}`);
        return EXIT.ok;
      }
      ctx.say("NAME  ID  ADDRESS  REPOSITORY  ENVIRONMENT  SHA  URL");
      for (const e of entries) ctx.say(line(e));
      return EXIT.ok;
    });
  },
};

async function watch(
  ctx: CliContext,
  start: (onChange: (c: RegistryChange) => void) => Promise<() => Promise<void>>,
  keep: (e: RegistryEntry) => boolean,
  count: number | undefined,
  timeoutSeconds: number | undefined,
): Promise<number> {
  let seen = 0;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const stop = await start((change) => {
    if ((change.entry && !keep(change.entry)) || (count !== undefined && seen >= count)) return;
    seen += 1;
    if (ctx.json) ctx.out(JSON.stringify(change));
    else ctx.out(`${change.kind} ${change.entry ? line(change.entry) : change.id}`);
    if (count !== undefined && seen >= count) finish();
  }).catch((err: unknown) => {
    throw new CliFailure(`cannot watch the registry: ${(err as Error).message}`);
  });
  ctx.err(
    `berth discovery: watching${count ? ` for ${count} change${count === 1 ? "" : "s"}` : ""}${timeoutSeconds ? ` for ${timeoutSeconds}s` : ""} (Ctrl-C stops)`,
  );
  const timer = timeoutSeconds === undefined ? undefined : setTimeout(finish, timeoutSeconds * 1000);
  process.once("SIGINT", finish);
  process.once("SIGTERM", finish);
  await done;
  if (timer) clearTimeout(timer);
  process.off("SIGINT", finish);
  process.off("SIGTERM", finish);
  await stop();
  return EXIT.ok;
}
