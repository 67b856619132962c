// Reads deploy-configs/*.yml and templates/ from the bot's disk on every job, so a config change applies to the
// next deploy without a restart. Files are small; a cache would only add staleness.
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
  const index = async () => indexConfigs(await readConfigFiles(opts.configDir, shown), opts.variables).byRepository;
  return {
    async forRepository(repository: string): Promise<ConfigEntry | undefined> {
      return (await index()).get(repository.toLowerCase());
    },
    async all(): Promise<ConfigEntry[]> {
      return [...indexConfigs(await readConfigFiles(opts.configDir, shown), opts.variables).byRepository.values()];
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
