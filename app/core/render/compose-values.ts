// Compose accepts several spellings for the same thing (environment and labels as a list or a map, networks as
// a list or a map). Berth normalises them to maps before merging, so a config value lands in one place only.

export type Json = Record<string, unknown>;

export function asObject(value: unknown): Json {
  return value && typeof value === "object" && !Array.isArray(value) ? { ...(value as Json) } : {};
}

/** `["A=1", "B"]` or `{A: 1, B: null}` → `{A: "1", B: undefined}` (undefined = no value given). */
export function keyValueMap(value: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (Array.isArray(value)) {
    for (const entry of value) {
      const text = String(entry);
      const eq = text.indexOf("=");
      if (eq < 0) out[text] = undefined;
      else out[text.slice(0, eq)] = text.slice(eq + 1);
    }
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) out[k] = v === null || v === undefined ? undefined : String(v);
  }
  return out;
}

/** A service's networks as a map: `[a, b]` → `{a: {}, b: {}}`; `{a: null}` → `{a: {}}`. */
export function networkMap(value: unknown): Record<string, Json> {
  const out: Record<string, Json> = {};
  if (Array.isArray(value)) for (const name of value) out[String(name)] = {};
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) out[k] = asObject(v);
  return out;
}

/**
 * `docker stack deploy` substitutes ${VAR} and $VAR in every value from the environment of the docker CLI on the
 * manager. Nothing Berth renders means that, so every `$` is doubled: compose reads `$$` as a literal `$`.
 */
export function escapeDollars<T>(value: T): T {
  if (typeof value === "string") return value.replace(/\$/g, "$$$$") as T;
  if (Array.isArray(value)) return value.map((v) => escapeDollars(v)) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeDollars(v)])) as T;
  }
  return value;
}
