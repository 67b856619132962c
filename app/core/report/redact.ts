// Secret values must never reach a log line, a check run, a comment or an error message. Everything Berth sends
// out passes through here with the values it knows (deploy-config secrets), plus shapes that are secrets whatever
// their value (GitHub tokens, private keys). Longest values first, so a secret containing another is hidden whole.
export const REDACTED = "[redacted]";

/** Values shorter than this would black out ordinary words; the config refuses such secrets. */
export const MIN_SECRET_LENGTH = 6;

const SHAPES: RegExp[] = [
  /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
];

export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  const values = [...new Set(secrets)].filter((v) => v.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  for (const value of values) out = out.split(value).join(REDACTED);
  for (const shape of SHAPES) out = out.replace(shape, REDACTED);
  return out;
}

/** Redacts every string inside a JSON-like value (request bodies, log objects), leaving its shape. */
export function redactDeep<T>(value: T, secrets: Iterable<string> = []): T {
  const list = [...secrets];
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return redact(v, list);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}
