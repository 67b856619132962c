// The webhook handler bounds a comment's body before it goes into the job; the cut must never change a command.
import { describe, expect, it } from "vitest";
import { bounded, MAX_COMMAND_BODY } from "../../app/events/on-issue-comment.js";
import { commandLines } from "../../app/core/commands/parse.js";

describe("comment body bound", () => {
  it("keeps a short body whole", () => {
    expect(bounded("/scale web 3")).toBe("/scale web 3");
  });
  it("cuts a long body at a line end, so '/scale web 30' never becomes '/scale web 3'", () => {
    const filler = "x".repeat(MAX_COMMAND_BODY - "/scale web 3".length - 1);
    const body = `${filler}\n/scale web 30\n/status`;
    expect(body.slice(0, MAX_COMMAND_BODY)).toContain("/scale web 3");
    const cut = bounded(body);
    expect(cut.length).toBeLessThanOrEqual(MAX_COMMAND_BODY);
    expect(commandLines(cut)).toEqual([]);
  });
  it("a single endless line is dropped whole", () => {
    expect(bounded(`/scale web 3 ${"y".repeat(MAX_COMMAND_BODY)}`)).toBe("");
  });
});
