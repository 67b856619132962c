// Reads deploy-configs/*.yml and templates/ from the bot's disk, so a config change applies to the next deploy
// without a restart. The parsed index is kept while the directory's listing and every file's inode, size and mtime
// are unchanged: parsing and validating every file on every job and webhook cost more CPU than the rest of a
// skipped job (a stat per file is what each job still pays).
import { readdirSync, statSync, type Stats } from "node:fs";
import { readFile, realpath } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { ConfigSource } from "../../ports/config-source.js";
import { indexConfigs, type ConfigEntry } from "../../core/config/index.js";
import { ConfigError } from "../../errors.js";
import { readConfigFiles } from "./read-config-files.js";

const TEMPLATE_NAME = /^[A-Za-z0-9._-]+\.ya?ml$/;

export function createFileConfigSource(opts: {
  configDir: string;
  templatesDir: string;
  variables: Record<string, string | undefined>;
  cwd?: string;
}): ConfigSource {
  const shown = (path: string) => relative(opts.cwd ?? process.cwd(), path) || path;
  let cached: { signature: string; index: Promise<Map<string, ConfigEntry>> } | undefined;
  const listing: { key?: string; names?: string[] } = {};
  const index = async () => {
    // Taken before the files are read: a change while they are read makes the next call read them again.
    const signature = directorySignature(opts.configDir, listing);
    if (signature !== undefined && cached?.signature === signature) return cached.index;
    const fresh = readConfigFiles(opts.configDir, shown).then(
      (files) => indexConfigs(files, opts.variables).byRepository,
    );
    // An unlistable directory or a failed read is not kept: the next call tries again.
    cached = signature === undefined ? undefined : { signature, index: fresh };
    fresh.catch(() => {
      if (cached?.index === fresh) cached = undefined;
    });
    return fresh;
  };
  return {
    async forRepository(repository: string): Promise<ConfigEntry | undefined> {
      return (await index()).get(repository.toLowerCase());
    },
    async all(): Promise<ConfigEntry[]> {
      return [...(await index()).values()];
    },
    async template(name: string) {
      const file = join(opts.templatesDir, name);
      if (!TEMPLATE_NAME.test(name))
        throw new ConfigError(`template name ${JSON.stringify(name)} is not a plain .yml file name`);
      const real = await realpath(file).catch(() => undefined);
      if (!real)
        throw new ConfigError(`template ${shown(file)} does not exist; add it or fix 'template' in the deploy config`);
      // A link inside templates/ may point anywhere on the bot's disk; only files inside the directory are templates.
      // The message never names the link's target: it is shown on the pull request.
      const root = await realpath(opts.templatesDir);
      if (!real.startsWith(root + sep))
        throw new ConfigError(
          `template ${shown(file)} is a link to a file outside ${shown(opts.templatesDir)}; ` +
            "templates must be files inside the templates directory",
        );
      try {
        return { file: shown(file), text: await readFile(real, "utf8") };
      } catch {
        throw new ConfigError(`template ${shown(file)} cannot be read; check its permissions`);
      }
    },
  };
}

/**
 * Names, inodes, sizes and mtimes of the config files; undefined when the directory cannot be listed. Synchronous
 * on purpose: a handful of stat calls take microseconds, where the promise versions each cost a thread-pool round
 * trip, and at hundreds of jobs a second those round trips were most of what a skipped job cost. The listing is
 * read again only when the directory itself changed (a file added, removed or renamed changes its mtime and ctime);
 * a file edited in place changes only its own stat, which is taken every time. Timestamps are coarse (a kernel
 * tick): a change within the same tick as the last look would not show, so while anything changed in the last two
 * seconds nothing is kept (undefined), as git does for its racily clean index.
 */
function directorySignature(dir: string, listing: { key?: string; names?: string[] }): string | undefined {
  try {
    const d = statSync(dir);
    if (recent(d)) return undefined;
    const key = `${d.ino}\0${d.mtimeMs}\0${d.ctimeMs}`;
    if (listing.key !== key || !listing.names) {
      listing.names = readdirSync(dir)
        .filter((n) => /\.ya?ml$/.test(n))
        .sort();
      listing.key = key;
    }
  } catch {
    listing.key = listing.names = undefined;
    return undefined;
  }
  const parts: string[] = [];
  for (const n of listing.names) {
    try {
      const s = statSync(join(dir, n));
      if (recent(s)) return undefined;
      parts.push(`${n}\0${s.ino}\0${s.size}\0${s.mtimeMs}\0${s.ctimeMs}`);
    } catch (err) {
      parts.push(`${n}\0${(err as NodeJS.ErrnoException).code ?? "error"}`);
    }
  }
  return parts.join("\n");
}

const recent = (s: Stats) => Date.now() - Math.max(s.mtimeMs, s.ctimeMs) < 2_000;
