// Reads deploy-configs/*.yml and templates/ from the bot's disk on every job, so a config change applies to the
// next deploy without a restart. Files are small; a cache would only add staleness.
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import type { ConfigSource, RepositoryConfig } from "../../ports/config-source.js";
import { indexConfigs } from "../../core/config/index.js";
import { ConfigError } from "../../errors.js";

const TEMPLATE_NAME = /^[A-Za-z0-9._-]+\.ya?ml$/;

export function createFileConfigSource(opts: {
  configDir: string;
  templatesDir: string;
  variables: Record<string, string | undefined>;
  cwd?: string;
}): ConfigSource {
  const shown = (path: string) => relative(opts.cwd ?? process.cwd(), path) || path;
  const index = async () => {
    const names = (await readdir(opts.configDir)).filter((n) => /\.ya?ml$/.test(n)).sort();
    const files = await Promise.all(
      names.map(async (n) => ({
        file: shown(join(opts.configDir, n)),
        text: await readFile(join(opts.configDir, n), "utf8"),
      })),
    );
    return indexConfigs(files, opts.variables).byRepository;
  };
  return {
    async forRepository(repository: string): Promise<RepositoryConfig | undefined> {
      return (await index()).get(repository.toLowerCase());
    },
    async all() {
      return [...(await index()).values()].flatMap((entry) => (entry.config ? [entry.config] : []));
    },
    async template(name: string) {
      const file = join(opts.templatesDir, name);
      if (!TEMPLATE_NAME.test(name))
        throw new ConfigError(`template name ${JSON.stringify(name)} is not a plain .yml file name`);
      try {
        return { file: shown(file), text: await readFile(file, "utf8") };
      } catch {
        throw new ConfigError(`template ${shown(file)} does not exist; add it or fix 'template' in the deploy config`);
      }
    },
  };
}
