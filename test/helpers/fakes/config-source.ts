// ConfigSource in memory: entries by repository (case-insensitive); templates are the repository's own
// templates/ files unless a test puts its own text under a name. An unknown template is a ConfigError, as on disk.
import { readFileSync } from "node:fs";
import type { ConfigSource } from "../../../app/ports/config-source.js";
import type { ConfigEntry } from "../../../app/core/config/index.js";
import type { ConfigProblem, DeployConfig } from "../../../app/core/config/types.js";
import { ConfigError } from "../../../app/errors.js";

const TEMPLATE_NAME = /^[A-Za-z0-9._-]+\.ya?ml$/;
const templatesDir = new URL("../../../templates/", import.meta.url);

export class FakeConfigSource implements ConfigSource {
  readonly entries = new Map<string, ConfigEntry>();
  readonly templates = new Map<string, string>();

  /** A valid config for its repository. */
  set(config: DeployConfig): this {
    this.entries.set(config.repository.toLowerCase(), { file: config.file, config, problems: [] });
    return this;
  }

  /** A config file that failed validation. */
  setInvalid(repository: string, file: string, problems: ConfigProblem[]): this {
    this.entries.set(repository.toLowerCase(), { file, problems });
    return this;
  }

  forRepository(repository: string): Promise<ConfigEntry | undefined> {
    const entry = this.entries.get(repository.toLowerCase());
    return Promise.resolve(entry ? { ...entry, problems: [...entry.problems] } : undefined);
  }

  all(): Promise<ConfigEntry[]> {
    return Promise.resolve([...this.entries.values()].map((e) => ({ ...e, problems: [...e.problems] })));
  }

  template(name: string): Promise<{ file: string; text: string }> {
    const file = `templates/${name}`;
    if (!TEMPLATE_NAME.test(name))
      return Promise.reject(new ConfigError(`template name ${JSON.stringify(name)} is not a plain .yml file name`));
    const own = this.templates.get(name);
    if (own !== undefined) return Promise.resolve({ file, text: own });
    try {
      return Promise.resolve({ file, text: readFileSync(new URL(name, templatesDir), "utf8") });
    } catch {
      return Promise.reject(
        new ConfigError(`template ${file} does not exist; add it or fix 'template' in the deploy config`),
      );
    }
  }
}
