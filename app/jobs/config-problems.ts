import type { ConfigProblem } from "../core/config/types.js";
import { ConfigError } from "../errors.js";

/** Render and template errors are config problems too: they need a fix in a file, not a retry. */
export function configProblemsFrom(err: unknown, file: string): ConfigProblem[] {
  if (err instanceof ConfigError && err.problems.length > 0) return err.problems;
  const e = err as { problems?: ConfigProblem[]; file?: string; line?: number; col?: number; message?: string };
  if (Array.isArray(e.problems) && e.problems.length > 0) return e.problems;
  return [{ file: e.file ?? file, line: e.line ?? 1, col: e.col ?? 1, path: "", message: e.message ?? String(err) }];
}
