// ${VAR} and ${VAR:-default} in a deploy config's string values, read from the bot's environment, so one file
// can name a key path or a pinned host key that differs per machine. Compose semantics: `:-` also applies when the
// variable is empty, `$$` is a literal `$`. Only capitalised names are variables; other text stays as written.
// Runs on the parsed YAML document (not the text), so a value can never change the file's structure.
import { isMap, isScalar, isSeq, parse, type Document, type LineCounter, type Scalar } from "yaml";
import type { ConfigProblem } from "./types.js";
import { keyText, offsetPosition, pointerFrom } from "./yaml-positions.js";

const REFERENCE = /\$(?:\$|\{([A-Z_][A-Z0-9_]*)(?::-([^}]*))?\})/g;
const WHOLE_REFERENCE = /^\$\{[A-Z_][A-Z0-9_]*(?::-[^}]*)?\}$/;

export type Variables = Readonly<Record<string, string | undefined>>;

export interface Interpolation {
  text: string;
  /** Names referenced without a default and not set. */
  missing: string[];
}

export function interpolate(text: string, vars: Variables): Interpolation {
  const missing: string[] = [];
  const out = text.replace(REFERENCE, (whole, name: string | undefined, fallback: string | undefined) => {
    if (name === undefined) return "$";
    const value = vars[name];
    if (fallback !== undefined) return value === undefined || value === "" ? fallback : value;
    if (value === undefined) {
      missing.push(name);
      return whole;
    }
    return value;
  });
  return { text: out, missing };
}

/** Substitutes variables in every value scalar of the document, in place. Keys are never substituted. */
export function interpolateDocument(doc: Document, lines: LineCounter, file: string, vars: Variables): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const visit = (node: unknown, path: (string | number)[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) visit(pair.value, [...path, keyText(pair) ?? "?"]);
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => visit(item, [...path, i]));
    } else if (isScalar(node) && typeof node.value === "string") {
      const problem = substituteScalar(node, vars);
      if (problem) {
        const { line, col } = offsetPosition(node.range?.[0] ?? 0, lines);
        problems.push({ file, line, col, path: pointerFrom(path), message: problem });
      }
    }
  };
  visit(doc.contents, []);
  return problems;
}

function substituteScalar(node: Scalar, vars: Variables): string | undefined {
  const original = node.value as string;
  if (!original.includes("$")) return undefined;
  const { text, missing } = interpolate(original, vars);
  if (missing.length > 0) {
    const names = [...new Set(missing)];
    const list = names.join(", ");
    return names.length === 1
      ? `environment variable ${list} is not set; set it in the bot's environment or write the value here`
      : `environment variables ${list} are not set; set them in the bot's environment or write the values here`;
  }
  node.value = typed(node, original, text);
  return undefined;
}

// `port: ${SSH_PORT}` must become the number 2222, as if 2222 had been written there; a quoted
// "${SSH_PORT}" stays a string, as quoting means in YAML.
function typed(node: Scalar, original: string, text: string): unknown {
  if (node.type !== "PLAIN" || !WHOLE_REFERENCE.test(original)) return text;
  try {
    const value: unknown = parse(text);
    return typeof value === "number" || typeof value === "boolean" ? value : text;
  } catch {
    return text;
  }
}
