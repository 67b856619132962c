// Durations as configs write them ("250ms", "5s", "2m"), converted once so renderers never parse text twice.
import type { DurationText } from "../config/types.js";

const UNIT_MS = { ms: 1, s: 1000, m: 60_000 } as const;

export function durationMs(text: DurationText): number {
  const m = /^([0-9]{1,6})(ms|s|m)$/.exec(text);
  if (!m) throw new Error(`not a duration: ${JSON.stringify(text)}`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}
