// Reads deploy-configs/*.yml and templates/ from the bot's disk on every job, so a config change applies to the
// next deploy without a restart. Files are small; a cache would only add staleness.
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import type { ConfigSource } from "../../ports/config-source.js";
import { indexConfigs, type ConfigEntry } from "../../core/config/index.js";
import { ConfigError } from "../../errors.js";

const TEMPLATE_NAME = /^[A-Za-z0-9._-]+\.ya?ml$/;

/** The deploy configs of a directory (*.yml, *.yaml, sorted by name), each named as `shown` says for problems. */
export async function readConfigFiles(
  dir: string,
  shown: (path: string) => string = (path) => path,
): Promise<{ file: string; text: string }[]> {
  const names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  return Promise.all(
    names.map(async (n) => ({ file: shown(join(dir, n)), text: await readFile(join(dir, n), "utf8") })),
  );
}

export function createFileConfigSource(opts: {
  configDir: string;
  templatesDir: string;
  variables: Record<string, string | undefined>;
  cwd?: string;
}): ConfigSource {
  const shown = (path: string) => relative(opts.cwd ?? process.cwd(), path) || path;
  return {
    async forRepository(repository: string): Promise<ConfigEntry | undefined> {
      const files = await readConfigFiles(opts.configDir, shown);
      return indexConfigs(files, opts.variables).byRepository.get(repository.toLowerCase());
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
