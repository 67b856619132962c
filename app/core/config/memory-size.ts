// Swarm's memory sizes as configs write them ("512M", "1.5G") in bytes: the config's reservation ≤ limit check and
// the quota arithmetic read the same numbers.
const UNIT = { K: 1024, M: 1024 ** 2, G: 1024 ** 3 } as const;

/** Bytes, or undefined for an absent or unreadable size (the schema reports the latter). */
export function memoryBytes(memory: string | undefined): number | undefined {
  const m = memory === undefined ? null : /^([0-9]+(?:\.[0-9]+)?)([KMG])$/.exec(memory);
  if (!m) return undefined;
  return Number(m[1]) * UNIT[m[2] as keyof typeof UNIT];
}
