// One row of docs/RELIABILITY.md per fault or hostile input. A test calls recordReliability only after its
// assertions passed, so a row in the table means the behaviour was proven by the last run; a failing test leaves no
// row, and scripts/reliability/write-report.ts marks the missing row instead of keeping a stale claim.
import { appendFileSync, mkdirSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

export const RELIABILITY_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../.berth-local/reliability");

export interface ReliabilityRow {
  /** "fault": something broke under Berth; "input": someone sent Berth something hostile. */
  area: "fault" | "input";
  /** Stable short name of the row (the table's key; a later run replaces an earlier row with the same name). */
  what: string;
  /** What the test did, concretely (sizes, durations, counts). */
  injected: string;
  /** What Berth did in response, as the test asserted it. */
  berthDid: string;
  /** Time from the fault's end (or the input's arrival) until Berth was serving correctly again, when measured. */
  recoverMs?: number;
  /** What was lost. The suite's promise is "nothing"; anything else is reported as a failure of the promise. */
  lost: string;
}

export interface RecordedRow extends ReliabilityRow {
  file: string;
  at: string;
}

function currentTestFile(): string {
  const path = expect.getState().testPath;
  return path ? basename(path) : "unknown.test.ts";
}

export function recordReliability(row: ReliabilityRow): void {
  const file = currentTestFile();
  const recorded: RecordedRow = { ...row, file, at: new Date().toISOString() };
  mkdirSync(RELIABILITY_DIR, { recursive: true });
  appendFileSync(join(RELIABILITY_DIR, `${file}.jsonl`), `${JSON.stringify(recorded)}\n`);
}
