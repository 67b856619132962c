// A deploy config is a page of YAML. Text far outside that shape is refused before the YAML parser sees it, so a
// hostile file costs microseconds and a bounded amount of memory, and its problem names the line: a 10 MB file,
// 10 000 levels of nesting (the parser recurses and would exhaust its stack), a line indented by thousands of columns.
import { isRepositoryName } from "../repository.js";
import type { ConfigProblem } from "./types.js";

export const MAX_CONFIG_BYTES = 256 * 1024;
export const MAX_FLOW_DEPTH = 32;
export const MAX_INDENT = 128;

export function textLimitProblem(
  file: string,
  text: string,
  bytes = Buffer.byteLength(text),
): ConfigProblem | undefined {
  if (bytes > MAX_CONFIG_BYTES) {
    const size = bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
    return problem(file, 1, 1, `file is ${size}; a deploy config may be at most ${MAX_CONFIG_BYTES / 1024} KiB`);
  }
  return nestingProblem(file, text);
}

// Flow collections ([ and {) are counted outside quotes and comments; block nesting shows as indentation.
function nestingProblem(file: string, text: string): ConfigProblem | undefined {
  let depth = 0;
  let quote: "'" | '"' | undefined;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") {
      line++;
      lineStart = i + 1;
      let indent = 0;
      while (text[i + 1 + indent] === " ") indent++;
      if (indent > MAX_INDENT && !quote)
        return problem(file, line, indent + 1, `indented ${indent} columns; nest at most ${MAX_INDENT} columns deep`);
      continue;
    }
    if (quote) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if ((c === "'" || c === '"') && startsScalar(text, lineStart, i)) quote = c;
    else if (c === "#" && (i === lineStart || /\s/.test(text[i - 1]!))) {
      while (i + 1 < text.length && text[i + 1] !== "\n") i++;
    } else if (c === "[" || c === "{") {
      if (++depth > MAX_FLOW_DEPTH)
        return problem(file, line, i - lineStart + 1, `nested more than ${MAX_FLOW_DEPTH} levels deep`);
    } else if ((c === "]" || c === "}") && depth > 0) depth--;
  }
  return undefined;
}

// A quote opens a quoted scalar only where a value begins (`it's` in a plain value is an apostrophe).
function startsScalar(text: string, lineStart: number, i: number): boolean {
  let j = i - 1;
  while (j >= lineStart && (text[j] === " " || text[j] === "\t")) j--;
  return j < lineStart || ":-[{,?".includes(text[j]!);
}

const REPOSITORY_LINE = /^repository:[ \t]*["']?([A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9._-]+)["']?[ \t]*(?:#.*)?$/m;

/** The `repository:` line of a file that cannot be parsed, read from its first 64 KiB, so its problems reach it. */
export function repositoryLine(text: string): string | undefined {
  const name = REPOSITORY_LINE.exec(text.slice(0, 64 * 1024))?.[1];
  return name !== undefined && isRepositoryName(name) ? name : undefined;
}

function problem(file: string, line: number, col: number, message: string): ConfigProblem {
  return { file, line, col, path: "", message };
}
