// All deploy configs at once, indexed by the repository they serve. A file that fails validation is still filed
// under its repository when its `repository:` line can be read, so the problems are reported on that
// repository's pull requests instead of disappearing into the bot's log.
import { isScalar, LineCounter, type Document } from "yaml";
import type { ConfigProblem, DeployConfig } from "./types.js";
import { parseDeployConfig, type ParsedConfig } from "./parse.js";
import type { Variables } from "./interpolate.js";
import { positionOf } from "./yaml-positions.js";
import { repositoryLine } from "./text-limits.js";
import { isRepositoryName } from "../repository.js";

export { parseDeployConfig, formatProblems, type ParsedConfig } from "./parse.js";
export type { Variables } from "./interpolate.js";

/** One repository's config file: the config when it is valid, its problems either way. */
export interface ConfigEntry {
  file: string;
  config?: DeployConfig;
  problems: ConfigProblem[];
}

export interface ConfigIndex {
  /** Keyed by lower-cased owner/name. */
  byRepository: Map<string, ConfigEntry>;
  /** Problems of files whose repository could not be read: only the bot's operator can see these. */
  unattributed: ConfigProblem[];
}

/** One file as read: `bytes` is its size on disk when `text` is only its beginning (an oversized file). */
export interface ConfigFile {
  file: string;
  text: string;
  bytes?: number;
  /** The file could not be read (permissions, a directory, a dangling link): reported as its problem. */
  readError?: string;
}

export function indexConfigs(files: readonly ConfigFile[], env: Variables): ConfigIndex {
  const byRepository = new Map<string, ConfigEntry>();
  const claims = new Map<string, { file: string; parsed: ParsedConfig }[]>();
  const unattributed: ConfigProblem[] = [];

  for (const { file, text, bytes, readError } of files) {
    const parsed = readError ? unreadable(file, readError) : parseSafely(file, text, env, bytes);
    // A file that does not even parse (alias bomb, oversized) is still its repository's problem when its
    // repository: line can be read; a parsed document names it (or fails to) in its own field.
    const repository =
      parsed.config?.repository ?? (parsed.document ? repositoryScalar(parsed.document) : repositoryLine(text));
    if (!repository) {
      unattributed.push(...parsed.problems);
      continue;
    }
    const key = repository.toLowerCase();
    const earlier = byRepository.get(key);
    if (!earlier) {
      byRepository.set(key, { file, config: parsed.config, problems: parsed.problems });
      claims.set(key, [{ file, parsed }]);
      continue;
    }
    claims.get(key)!.push({ file, parsed });
    earlier.problems.push(...parsed.problems);
  }

  // Two files for one repository: neither wins silently. Each gets a problem naming the other, and the
  // repository gets no config until one of them is removed or changed.
  for (const [key, files] of claims) {
    if (files.length < 2) continue;
    const entry = byRepository.get(key)!;
    const names = files.map((f) => f.file);
    for (const f of files) {
      const pos = f.parsed.document
        ? positionOf(f.parsed.document, f.parsed.lines, "/repository")
        : { line: 1, col: 1 };
      const others = names.filter((n) => n !== f.file).join(", ");
      entry.problems.push({
        file: f.file,
        ...pos,
        path: "/repository",
        message: `repository ${key} is also claimed by ${others}; keep exactly one file per repository`,
      });
    }
    entry.config = undefined;
  }
  return { byRepository, unattributed };
}

// Whatever one file contains, it is that file's problem: no exception from parsing it may stop the other files.
function parseSafely(file: string, text: string, env: Variables, bytes?: number): ParsedConfig {
  try {
    return parseDeployConfig(file, text, env, bytes);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return unreadable(file, `could not be read as a deploy config: ${reason.slice(0, 200)}`);
  }
}

function unreadable(file: string, message: string): ParsedConfig {
  return { problems: [{ file, line: 1, col: 1, path: "", message }], lines: new LineCounter() };
}

function repositoryScalar(doc: Document | undefined): string | undefined {
  const node = doc?.get("repository", true);
  const value = isScalar(node) ? node.value : undefined;
  return typeof value === "string" && isRepositoryName(value) ? value : undefined;
}
