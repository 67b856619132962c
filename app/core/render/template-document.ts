// Reads a stack template: YAML with positions, the shape Berth needs (a `services` map of valid Swarm names),
// and {{variables}} substituted in string values with line:col for every unknown or undefined one.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit } from "yaml";
import type { ConfigProblem } from "../config/types.js";
import { isSwarmName, SWARM_NAME_MAX } from "../swarm-names.js";
import { keyText, offsetPosition, pointerFrom, positionOf } from "../config/yaml-positions.js";
import { kvReferences, substituteVariables, type KvValues, type VariableValues } from "./variables.js";
import type { Json } from "./compose-values.js";

export interface TemplateContext {
  file: string;
  stack: string;
  /** Variables defined everywhere. */
  values: VariableValues;
  /** Extra variables inside one service; undefined for services the config does not name. */
  serviceValues: (service: string) => VariableValues | undefined;
  unavailable: (name: string, service: string | undefined) => string;
  /** {{kv.<name>}} values read from the registry's KV store; undefined: none were read (a reference is an error). */
  kv?: KvValues;
}

export interface ReadTemplate {
  compose?: Json;
  problems: ConfigProblem[];
  /** line:col of a node (its key with at="key"), for problems found after reading. */
  position: (pointer: string, at?: "key" | "value") => { line: number; col: number };
}

export function readTemplate(text: string, ctx: TemplateContext): ReadTemplate {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const position = (pointer: string, at: "key" | "value" = "key") => positionOf(doc, lines, pointer, at);
  const servicePosition = (service: string) => position(pointerFrom(["services", service]));
  const problem = (pos: { line: number; col: number }, path: string, message: string): ConfigProblem => ({
    file: ctx.file,
    ...pos,
    path,
    message,
  });
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((e) => problem(offsetPosition(e.pos[0], lines), "", `YAML syntax: ${e.message}`)),
      position,
    };
  }
  const services = isMap(doc.contents) ? doc.contents.get("services", true) : undefined;
  if (!isMap(services) || services.items.length === 0) {
    return {
      problems: [
        problem(
          { line: 1, col: 1 },
          "/services",
          "a stack template needs a top-level 'services' mapping with at least one service",
        ),
      ],
      position,
    };
  }

  const problems: ConfigProblem[] = [];
  for (const pair of services.items) {
    const name = keyText(pair) ?? "";
    const full = `${ctx.stack}_${name}`;
    if (!isSwarmName(name) || full.length > SWARM_NAME_MAX) {
      const why = !isSwarmName(name)
        ? "letters, digits, '-' and '_', starting and ending with a letter or digit"
        : `${full} exceeds ${SWARM_NAME_MAX} characters`;
      problems.push(
        problem(
          servicePosition(name),
          pointerFrom(["services", name]),
          `service name '${name}' is not usable in Swarm: ${why}`,
        ),
      );
    }
    if (pair.value !== null && !isMap(pair.value)) {
      problems.push(problem(servicePosition(name), pointerFrom(["services", name]), "a service must be a mapping"));
    }
  }

  const visit = (node: unknown, path: (string | number)[]): void => {
    if (isMap(node)) for (const pair of node.items) visit(pair.value, [...path, keyText(pair) ?? "?"]);
    else if (isSeq(node)) node.items.forEach((item, i) => visit(item, [...path, i]));
    else if (isScalar(node) && typeof node.value === "string" && node.value.includes("{{")) {
      const service = path[0] === "services" && path.length > 1 ? String(path[1]) : undefined;
      const values = { ...ctx.values, ...(service ? ctx.serviceValues(service) : undefined) };
      const result = substituteVariables(node.value, values, (name) => ctx.unavailable(name, service), ctx.kv);
      const pos = offsetPosition(node.range?.[0] ?? 0, lines);
      for (const message of result.problems) problems.push(problem(pos, pointerFrom(path), message));
      node.value = result.text;
    }
  };
  visit(doc.contents, []);
  if (problems.length > 0) return { problems, position };
  return { compose: doc.toJS({ maxAliasCount: 100 }) as Json, problems, position };
}

/** The {{kv.<name>}} names a template's string values reference (its comments do not count). */
export function templateKvReferences(text: string): string[] {
  const doc = parseDocument(text, { prettyErrors: false });
  const names: string[] = [];
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value === "string") names.push(...kvReferences(node.value));
    },
  });
  return names;
}
