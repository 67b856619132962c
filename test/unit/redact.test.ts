import { describe, expect, it } from "vitest";
import { REDACTED, redact, redactDeep } from "../../app/core/report/redact.js";

describe("redact", () => {
  it("hides every occurrence of each known value, longest first", () => {
    expect(redact("a=hunter22 b=hunter22-extra c=hunter22", ["hunter22", "hunter22-extra"])).toBe(
      `a=${REDACTED} b=${REDACTED} c=${REDACTED}`,
    );
  });
  it("leaves values too short to be secrets alone", () => {
    expect(redact("the cat sat", ["cat"])).toBe("the cat sat");
  });
  it("hides GitHub tokens and private keys whatever their value", () => {
    const token = `ghs_${"a1".repeat(15)}`;
    expect(redact(`Authorization: token ${token}`)).toBe(`Authorization: token ${REDACTED}`);
    expect(redact("x -----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY----- y")).toBe(
      `x ${REDACTED} y`,
    );
  });
  it("walks objects and arrays, keeping their shape", () => {
    expect(redactDeep({ a: ["s3cr3t-value", 1], b: { c: "x s3cr3t-value" } }, ["s3cr3t-value"])).toEqual({
      a: [REDACTED, 1],
      b: { c: `x ${REDACTED}` },
    });
  });
});
