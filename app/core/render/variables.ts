// {{name}} variables in templates and in a config's image and env values. Substituted in parsed string values
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
): Substitution {
  const problems: string[] = [];
  const out = text.replace(REFERENCE, (whole, inner: string) => {
    const name = inner.trim();
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
  return [...text.matchAll(REFERENCE)].map((m) => m[1]!.trim()).filter((name) => !KNOWN_VARIABLES.includes(name));
}
