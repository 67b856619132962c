import { describe, expect, it } from "vitest";
import {
  assertPullRequestNumber,
  previewEnvironment,
  productionEnvironment,
  stagingEnvironment,
} from "../../app/core/environment.js";
import {
  assertSwarmName,
  isSwarmName,
  serviceFullName,
  SWARM_NAME,
  SWARM_NAME_MAX,
} from "../../app/core/swarm-names.js";
import { FinalError } from "../../app/errors.js";

describe("environment names", () => {
  it("names previews, staging and production", () => {
    expect(previewEnvironment("shop", 123)).toEqual({ kind: "preview", name: "pr-123", stack: "shop-pr-123", pr: 123 });
    expect(stagingEnvironment("shop")).toEqual({ kind: "staging", name: "staging", stack: "shop-staging" });
    expect(productionEnvironment("shop")).toEqual({ kind: "production", name: "production", stack: "shop" });
  });

  it("refuses PR numbers that are not positive safe integers", () => {
    for (const pr of [0, -1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1, Infinity]) {
      expect(() => previewEnvironment("shop", pr)).toThrow(FinalError);
    }
    expect(assertPullRequestNumber(99999)).toBe(99999);
  });

  it("refuses app names Swarm would refuse", () => {
    expect(() => previewEnvironment("shop;rm -rf /", 1)).toThrow(/not a valid Swarm name/);
    expect(() => productionEnvironment("-shop")).toThrow(FinalError);
    expect(() => stagingEnvironment("a".repeat(60))).toThrow(/Swarm allows at most 63/);
  });
});

describe("Swarm names", () => {
  it("follows Swarm's rule", () => {
    for (const ok of ["a", "shop-pr-1", "A_b-c", "x--y", "a1"]) expect(isSwarmName(ok)).toBe(true);
    for (const bad of ["", "-a", "a-", "_a", "a_", "a.b", "a b", "a\nb", "ä", "a/b"])
      expect(isSwarmName(bad)).toBe(false);
  });

  it("limits length to 63, including the <stack>_ prefix of services", () => {
    expect(isSwarmName("a".repeat(SWARM_NAME_MAX))).toBe(true);
    expect(isSwarmName("a".repeat(SWARM_NAME_MAX + 1))).toBe(false);
    expect(serviceFullName("shop-pr-1", "web")).toBe("shop-pr-1_web");
    expect(() => serviceFullName("s".repeat(40), "w".repeat(23))).toThrow(/64 characters/);
  });

  it("answers quickly on a long hostile name (no catastrophic backtracking)", () => {
    const started = performance.now();
    expect(isSwarmName("a".repeat(60) + "!")).toBe(false);
    expect(() => assertSwarmName("a-".repeat(5000) + "!")).toThrow(FinalError);
    expect(SWARM_NAME.test("a".repeat(50_000) + "!")).toBe(false);
    expect(SWARM_NAME.test("a_".repeat(25_000) + "-")).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
