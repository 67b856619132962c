// {{name}} variables in templates and in a config's image and env values ({{kv.<name>}}: a value the job read from
// the service registry's KV store beforehand; substitution stays pure). Substituted in parsed string values
// only (never in the template's text), in one pass, so a substituted value is never read as a variable again.

/** Defined for every environment. */
export const ENVIRONMENT_VARIABLES = [
  "sha",
  "short_sha",
  "pr",
  "environment",
  "stack",
  "app",
  "host",
  "url",
  "repository",
] as const;
/** Defined inside a service of the template (and in that service's config values). */
export const SERVICE_VARIABLES = ["service", "port", "health_path"] as const;
export const KNOWN_VARIABLES: readonly string[] = [...ENVIRONMENT_VARIABLES, ...SERVICE_VARIABLES];

const REFERENCE = /\{\{(.*?)\}\}/g;

/** {{kv.<name>}}: a value from the service registry's KV store, key berth/<repository>/<environment>/<name>. */
export const KV_PREFIX = "kv.";
/** A segment: letters, digits, '.', '_', '-', not only dots ("..": an HTTP path could climb out of the prefix). */
const KV_SEGMENT = /^(?!\.+$)[A-Za-z0-9_.-]+$/;

/** The KV values read for one environment: where they live (for messages) and what is there. */
export interface KvValues {
  /** berth/<repository>/<environment>/ */
  prefix: string;
  values: Readonly<Record<string, string>>;
  /** The backend, for the message: "etcd" or "consul". */
  backend?: string;
}

/** Why a {{kv.…}} name cannot be used, or undefined when it can. */
export function kvNameProblem(name: string): string | undefined {
  if (name.split("/").every((segment) => KV_SEGMENT.test(segment))) return undefined;
  return `{{${KV_PREFIX}${name}}}: a KV name is letters, digits, '.', '_' and '-', with '/' between segments (no '.' or '..' segment)`;
}

function kvValue(name: string, kv: KvValues | undefined): { value?: string; problem?: string } {
  const invalid = kvNameProblem(name);
  if (invalid) return { problem: invalid };
  if (!kv)
    return {
      problem: `{{${KV_PREFIX}${name}}} reads the service registry's KV store, but this Berth has none; set BERTH_DISCOVERY (etcd or consul)`,
    };
  const value = kv.values[name];
  if (value === undefined)
    return {
      problem: `{{${KV_PREFIX}${name}}}: key ${kv.prefix}${name} is not in the ${kv.backend ?? "registry"} KV store; put it there or remove the reference`,
    };
  return { value };
}

/** Values for one place: undefined means "known, but not defined here" (e.g. {{pr}} in production). */
export type VariableValues = Partial<Record<(typeof KNOWN_VARIABLES)[number], string>>;

export interface Substitution {
  text: string;
  problems: string[];
}

export function substituteVariables(
  text: string,
  values: VariableValues,
  unavailable: (name: string) => string,
  kv?: KvValues,
): Substitution {
  const problems: string[] = [];
  const out = text.replace(REFERENCE, (whole, inner: string) => {
    const name = inner.trim();
    if (name.startsWith(KV_PREFIX)) {
      const found = kvValue(name.slice(KV_PREFIX.length), kv);
      if (found.problem !== undefined) problems.push(found.problem);
      return found.value ?? whole;
    }
    if (!KNOWN_VARIABLES.includes(name)) {
      problems.push(
        `unknown template variable {{${name}}}; known: ${KNOWN_VARIABLES.map((v) => `{{${v}}}`).join(", ")}`,
      );
      return whole;
    }
    const value = values[name as keyof VariableValues];
    if (value === undefined) {
      problems.push(unavailable(name));
      return whole;
    }
    return value;
  });
  return { text: out, problems };
}

/** Names used in a text that are not known at all (for checking configs before any environment exists). */
export function unknownVariables(text: string): string[] {
  return [...text.matchAll(REFERENCE)]
    .map((m) => m[1]!.trim())
    .filter((name) => !name.startsWith(KV_PREFIX) && !KNOWN_VARIABLES.includes(name));
}

/** The {{kv.<name>}} names a text references (valid or not), in order of appearance. */
export function kvReferences(text: string): string[] {
  return [...text.matchAll(REFERENCE)]
    .map((m) => m[1]!.trim())
    .filter((name) => name.startsWith(KV_PREFIX))
    .map((name) => name.slice(KV_PREFIX.length));
}
