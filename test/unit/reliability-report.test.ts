import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { previousRows, readRows, renderReport } from "../../scripts/reliability/write-report.js";
import type { RecordedRow } from "../helpers/reliability.js";

const row = (over: Partial<RecordedRow>): RecordedRow => ({
  area: "input",
  what: "oversized webhook",
  injected: "26 MB signed body",
  berthDid: "413",
  lost: "nothing",
  file: "webhook.test.ts",
  at: "2026-12-02T06:00:00.000Z",
  ...over,
});

describe("reliability report", () => {
  it("keeps the newest row per area and name, faults first", () => {
    const dir = mkdtempSync(join(tmpdir(), "berth-rel-"));
    const lines = [
      row({ berthDid: "old", at: "2026-12-02T06:00:00.000Z" }),
      row({ berthDid: "new", at: "2026-12-02T07:00:00.000Z" }),
      row({ area: "fault", what: "redis down", file: "redis.test.ts" }),
    ];
    writeFileSync(join(dir, "a.jsonl"), lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
    const rows = readRows(dir);
    expect(rows.map((r) => [r.area, r.what, r.berthDid])).toEqual([
      ["fault", "redis down", "413"],
      ["input", "oversized webhook", "new"],
    ]);
  });

  it("marks rows of the previous document that the last run did not prove, and rows that lost something", () => {
    const first = renderReport([row({ recoverMs: 1500 }), row({ what: "a | b" })], [], new Date(0));
    expect(first).toContain(
      "| input | oversized webhook | 26 MB signed body | 413 | 1.5 s | nothing | `webhook.test.ts` |",
    );
    expect(previousRows(first).map((r) => r.what)).toEqual(["oversized webhook", "a | b"]);
    const second = renderReport([row({ lost: "one comment" })], previousRows(first), new Date(0));
    expect(second).toContain("1 not proven by the last run");
    expect(second).toContain("1 lost something");
    expect(second).toContain("| input | a \\| b | — | **not proven by the last run** |");
  });

  it("states the whole run's wall time when run.sh measured it, and only then", () => {
    expect(renderReport([row({})], [], new Date(0), 754)).toContain("; the run took 12.6 min of wall time.");
    expect(renderReport([row({})], [], new Date(0))).not.toContain("wall time.");
  });
});
