// Maps a JSON pointer (ajv's instancePath, our problem paths) back to the YAML node it came from, so every
// problem can say line:col. Defaults that ajv filled in have no node: we fall back to the nearest ancestor
// that exists in the file, which is where the user would add the missing value.
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from "yaml";

export interface Position {
  line: number;
  col: number;
}

export function pointerSegments(pointer: string): string[] {
  if (pointer === "" || pointer === "/") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

export function pointerFrom(segments: readonly (string | number)[]): string {
  return segments.map((s) => "/" + String(s).replace(/~/g, "~0").replace(/\//g, "~1")).join("");
}

/** A pair's key as text, or undefined for keys that are not plain scalars. */
export function keyText(pair: Pair<unknown, unknown>): string | undefined {
  const k = pair.key;
  if (isScalar(k)) return String(k.value);
  if (typeof k === "string" || typeof k === "number") return String(k);
  return undefined;
}

interface Located {
  /** The value node, when the path exists with a value. */
  node?: Node;
  /** The pair holding the last segment, when the parent is a map. */
  pair?: Pair<unknown, unknown>;
  /** How many segments matched. */
  depth: number;
  /** The deepest node that exists (for fallback positions). */
  deepest?: Node;
}

export function locate(doc: Document, segments: readonly string[]): Located {
  let current: unknown = doc.contents;
  let pair: Pair<unknown, unknown> | undefined;
  let deepest: Node | undefined = (doc.contents as Node | null) ?? undefined;
  let depth = 0;
  for (const seg of segments) {
    pair = undefined;
    let next: unknown;
    if (isMap(current)) {
      pair = current.items.find((p) => keyText(p) === seg);
      if (!pair) break;
      next = pair.value;
    } else if (isSeq(current) && /^\d+$/.test(seg)) {
      next = current.items[Number(seg)];
      if (next === undefined) break;
    } else {
      break;
    }
    depth++;
    current = next;
    if (next && typeof next === "object" && "range" in next) deepest = next as Node;
    else if (pair && isScalar(pair.key)) deepest = pair.key;
  }
  const complete = depth === segments.length;
  return {
    node: complete && current && typeof current === "object" && "range" in current ? (current as Node) : undefined,
    pair: complete ? pair : undefined,
    depth,
    deepest,
  };
}

function positionOfNode(node: Node | undefined, lines: LineCounter): Position {
  const offset = node?.range?.[0];
  if (offset === undefined) return { line: 1, col: 1 };
  const { line, col } = lines.linePos(offset);
  return { line, col };
}

/**
 * Where to point for a path. `at: "key"` points at the key of the last segment (unknown keys, bad names);
 * `at: "value"` at the value, falling back to the key when the value is empty (`port:`).
 */
export function positionOf(
  doc: Document,
  lines: LineCounter,
  pointer: string,
  at: "key" | "value" = "value",
): Position {
  const found = locate(doc, pointerSegments(pointer));
  if (at === "key" && found.pair && isScalar(found.pair.key)) return positionOfNode(found.pair.key, lines);
  if (found.node) return positionOfNode(found.node, lines);
  if (found.pair && isPair(found.pair) && isScalar(found.pair.key)) return positionOfNode(found.pair.key, lines);
  return positionOfNode(found.deepest, lines);
}

export function offsetPosition(offset: number, lines: LineCounter): Position {
  const { line, col } = lines.linePos(offset);
  return { line, col };
}
