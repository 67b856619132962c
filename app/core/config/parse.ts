// One deploy config file's text → a typed DeployConfig, or problems that each say file:line:col and what to fix.
// Order: YAML syntax → ${VAR} substitution (on the parsed nodes) → JSON Schema (with defaults) → cross-field rules.
// A later stage runs only when the earlier ones found nothing, so one mistake does not cascade into many.
import { isMap, LineCounter, parseDocument, visit, type Document, type YAMLError } from "yaml";
import type { ConfigProblem, DeployConfig } from "./types.js";
import { interpolateDocument, type Variables } from "./interpolate.js";
import { validateAgainstSchema } from "./schema.js";
import { schemaMessages, type SchemaMessage } from "./schema-messages.js";
import { crossCheck } from "./cross-checks.js";
import { DEFAULT_EDGE } from "../routing/edge-defaults.js";
import { locate, offsetPosition, pointerFrom, pointerSegments, positionOf } from "./yaml-positions.js";
import { textLimitProblem } from "./text-limits.js";
import { kvReferences } from "../render/variables.js";

export interface ParsedConfig {
  config?: DeployConfig;
  problems: ConfigProblem[];
  /** The parsed document (after substitution), for callers that want to read a scalar of an invalid file. */
  document?: Document;
  /** Line starts of the text, to turn offsets in `document` into line:col. */
  lines: LineCounter;
}

const DEFAULT_MAX_REPLICAS = 5;

const MAX_ALIAS_COUNT = 100;

export function parseDeployConfig(file: string, text: string, env: Variables, bytes?: number): ParsedConfig {
  const lines = new LineCounter();
  const tooBig = textLimitProblem(file, text, bytes);
  if (tooBig) return { problems: [tooBig], lines };
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e): ConfigProblem => ({
      file,
      ...offsetPosition(e.pos[0], lines),
      path: "",
      message: syntaxMessage(e, text),
    }));
    return { problems: sortProblems(problems), document: doc, lines };
  }
  if (!isMap(doc.contents)) {
    return {
      problems: [
        {
          file,
          line: 1,
          col: 1,
          path: "",
          message: "expected a mapping with repository, app, template, ssh, routing and services",
        },
      ],
      document: doc,
      lines,
    };
  }

  // Unset variables and schema errors are reported together, but a value whose variable is unset is not also
  // judged by the schema: "${HOST} is not a host name" would only repeat the first message.
  const unset = interpolateDocument(doc, lines, file, env);
  const unsetAt = new Set(unset.map((p) => p.path));
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // yaml refuses a document whose aliases expand past the count ("billion laughs"): a problem of this file only.
    return { problems: [aliasProblem(file, doc, lines, err)], document: doc, lines };
  }
  const at = (messages: SchemaMessage[]) =>
    messages.map((m): ConfigProblem => ({
      file,
      ...positionOf(doc, lines, m.pointer, m.at),
      path: m.pointer,
      message: m.message,
    }));

  const schemaProblems = at(schemaMessages(validateAgainstSchema(data)).filter((m) => !unsetAt.has(m.pointer)));
  if (unset.length + schemaProblems.length > 0)
    return { problems: sortProblems([...unset, ...schemaProblems]), document: doc, lines };

  const checked = completeDefaults(data as Omit<DeployConfig, "file">);
  const exists = (pointer: string) => {
    const segments = pointerSegments(pointer);
    return locate(doc, segments).depth === segments.length;
  };
  const crossProblems = crossCheck(checked, exists);
  if (crossProblems.length > 0) return { problems: sortProblems(at(crossProblems)), document: doc, lines };

  const valuesAt = templatedValuePositions(checked, (pointer) => positionOf(doc, lines, pointer, "value"));
  return {
    config: { file, ...checked, ...(Object.keys(valuesAt).length > 0 ? { valuesAt } : {}) },
    problems: [],
    document: doc,
    lines,
  };
}

// {{kv.…}} values are read at render time, when the document is gone: keep where each referencing value sits.
function templatedValuePositions(
  config: Omit<DeployConfig, "file">,
  position: (pointer: string) => { line: number; col: number },
): Record<string, { line: number; col: number }> {
  const out: Record<string, { line: number; col: number }> = {};
  for (const [name, service] of Object.entries(config.services)) {
    const values: [string[], string][] = [
      [["image"], service.image],
      ...Object.entries(service.env).map(([k, v]): [string[], string] => [["env", k], v]),
    ];
    for (const [path, text] of values) {
      if (kvReferences(text).length === 0) continue;
      const pointer = pointerFrom(["services", name, ...path]);
      out[pointer] = position(pointer);
    }
  }
  return out;
}

// Defaults JSON Schema cannot express, because they depend on another field.
function completeDefaults(config: Omit<DeployConfig, "file">): Omit<DeployConfig, "file"> {
  const routing = config.routing;
  routing.scheme ??= routing.mode === "host-port" ? "http" : "https";
  routing.probeHost ??= config.ssh.host;
  if (routing.mode === "caddy") routing.caddy = { ...DEFAULT_EDGE, ...routing.caddy };
  for (const service of Object.values(config.services)) {
    service.maxReplicas ??= Math.max(service.replicas, DEFAULT_MAX_REPLICAS);
  }
  return config;
}

function aliasProblem(file: string, doc: Document, lines: LineCounter, err: unknown): ConfigProblem {
  let offset = 0;
  visit(doc, {
    Alias(_, node) {
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  const reason = err instanceof Error ? err.message : String(err);
  return {
    file,
    ...offsetPosition(offset, lines),
    path: "",
    message: `aliases expand too far (${reason}); write the values out or use fewer than ${MAX_ALIAS_COUNT} aliases`,
  };
}

function syntaxMessage(e: YAMLError, text: string): string {
  if (e.code === "DUPLICATE_KEY") {
    const key = /^[^:\s]+/.exec(text.slice(e.pos[0]))?.[0];
    return `duplicate key${key ? ` '${key}'` : ""}: each key may appear only once in a mapping; remove or merge one`;
  }
  // The parser recurses per nesting level; text-limits.ts keeps nesting shallow, this is the last line of defence.
  if (/call stack/i.test(e.message)) return "YAML nested too deeply to read; a deploy config needs only a few levels";
  return `YAML syntax: ${e.message}`;
}

function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  return problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}

/** `deploy-configs/shop.yml:7:14 services.web.replicas: must be ≤ 50`, one line per problem. */
export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems
    .map((p) => {
      const where = `${p.file}:${p.line}:${p.col}`;
      const path = pointerSegments(p.path).join(".");
      return path ? `${where} ${path}: ${p.message}` : `${where} ${p.message}`;
    })
    .join("\n");
}
