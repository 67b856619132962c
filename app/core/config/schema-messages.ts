// Turns ajv's errors into sentences that say what to write instead, and says where: the pointer of the offending
// node, and whether to point at its key (unknown keys, bad names, missing keys) or its value.
import type { ErrorObject } from "ajv";
import { didYouMean } from "./did-you-mean.js";
import { pointerFrom, pointerSegments } from "./yaml-positions.js";

export interface SchemaMessage {
  pointer: string;
  at: "key" | "value";
  message: string;
}

type SchemaNode = {
  properties?: Record<string, { title?: string }>;
  patternErrorMessage?: string;
  enum?: unknown[];
};

export function schemaMessages(errors: readonly ErrorObject[]): SchemaMessage[] {
  const out: SchemaMessage[] = [];
  const seen = new Set<string>();
  for (const err of errors) {
    const m = messageFor(err);
    if (!m) continue;
    const id = `${m.pointer}\n${m.message}`;
    if (!seen.has(id)) {
      seen.add(id);
      out.push(m);
    }
  }
  return out;
}

function child(pointer: string, key: string): string {
  return pointerFrom([...pointerSegments(pointer), key]);
}

function messageFor(err: ErrorObject): SchemaMessage | undefined {
  const parent = (err.parentSchema ?? {}) as SchemaNode;
  const params = err.params as Record<string, unknown>;
  const at = err.instancePath;
  switch (err.keyword) {
    case "propertyNames":
      return undefined; // reported by the inner error, which names the key
    case "additionalProperties": {
      const key = String(params.additionalProperty);
      const allowed = Object.keys(parent.properties ?? {});
      const guess = didYouMean(key, allowed);
      const hint = guess
        ? ` — did you mean '${guess}'?`
        : allowed.length > 0
          ? `; allowed keys: ${allowed.join(", ")}`
          : "";
      return { pointer: child(at, key), at: "key", message: `unknown key '${key}'${hint}` };
    }
    case "required": {
      const key = String(params.missingProperty);
      const title = parent.properties?.[key]?.title;
      return { pointer: at, at: "key", message: `missing required key '${key}'${title ? ` (${title})` : ""}` };
    }
    case "enum": {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const guess = typeof err.data === "string" ? didYouMean(err.data, allowed) : undefined;
      return {
        pointer: at,
        at: "value",
        message: `must be one of ${allowed.join(", ")}${guess ? ` — did you mean '${guess}'?` : ""}`,
      };
    }
    case "type":
      return {
        pointer: at,
        at: "value",
        message: `must be ${typeWords(String(params.type))}, not ${describe(err.data)}`,
      };
    case "pattern": {
      if (err.propertyName !== undefined) {
        const rule = parent.patternErrorMessage ?? `names must match ${String(params.pattern)}`;
        return { pointer: child(at, err.propertyName), at: "key", message: rule };
      }
      return {
        pointer: at,
        at: "value",
        message: parent.patternErrorMessage ?? `must match the pattern ${String(params.pattern)}`,
      };
    }
    case "minimum":
      return { pointer: at, at: "value", message: `must be ≥ ${String(params.limit)}` };
    case "maximum":
      return { pointer: at, at: "value", message: `must be ≤ ${String(params.limit)}` };
    case "exclusiveMinimum":
      return { pointer: at, at: "value", message: `must be > ${String(params.limit)}` };
    case "exclusiveMaximum":
      return { pointer: at, at: "value", message: `must be < ${String(params.limit)}` };
    case "minLength":
      return {
        pointer: at,
        at: "value",
        message:
          Number(params.limit) === 1 ? "must not be empty" : `must be at least ${String(params.limit)} characters long`,
      };
    case "maxLength":
      return { pointer: at, at: "value", message: `must be at most ${String(params.limit)} characters long` };
    case "minProperties":
      return {
        pointer: at,
        at: "key",
        message: `must have at least ${String(params.limit)} ${Number(params.limit) === 1 ? "entry" : "entries"}`,
      };
    default:
      return { pointer: at, at: "value", message: err.message ?? `fails the schema rule '${err.keyword}'` };
  }
}

function typeWords(type: string): string {
  const words: Record<string, string> = {
    integer: "a whole number",
    number: "a number",
    string: "a text value",
    boolean: "true or false",
    object: "a mapping (key: value lines)",
    array: "a list",
    null: "empty",
  };
  return type
    .split(",")
    .map((t) => words[t] ?? t)
    .join(" or ");
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return "empty";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string")
    return `the text ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value)}`;
  return `${typeof value} ${String(value)}`;
}
