// One repository-name rule: what a webhook may enqueue, what `berth rollback` accepts and what a deploy config may
// name are the same language. `acme-/shop` was once enqueued although no config could ever serve it.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isRepositoryName } from "../../app/core/repository.js";
import { invalidRepository } from "../../app/events/enqueue.js";
import { indexConfigs, parseDeployConfig } from "../../app/core/config/index.js";
import schema from "../../deploy-configs/berth-config.schema.json" with { type: "json" };

const MINIMAL = readFileSync(new URL("../fixtures/configs/minimal.yml", import.meta.url), "utf8");
const GOOD = ["acme/shop", "a/b", "Acme-Corp/shop.web", "a1/x_y-z.", "a".repeat(39) + "/n", "acme/" + "n".repeat(100)];
const BAD = [
  "acme-/shop",
  "-acme/shop",
  "ac_me/shop",
  "acme/.",
  "acme/..",
  "../etc",
  "acme/shop/extra",
  "acme",
  "a".repeat(40) + "/n",
  "acme/" + "n".repeat(101),
  "acme/sh op",
  "",
];

describe("repository names", () => {
  it("core accepts GitHub's owner/name and refuses the rest", () => {
    for (const name of GOOD) expect(isRepositoryName(name), name).toBe(true);
    for (const name of BAD) expect(isRepositoryName(name), name).toBe(false);
  });

  it("a webhook's repository is refused when enqueued exactly when the config would refuse it", () => {
    for (const name of GOOD) expect(invalidRepository(name), name).toBeUndefined();
    for (const name of BAD) expect(invalidRepository(name), name).toMatch(/repository full_name/);
    expect(invalidRepository(undefined)).toMatch(/repository full_name/);
  });

  it("the config schema's pattern is the same language", () => {
    const pattern = new RegExp(schema.properties.repository.pattern);
    for (const name of GOOD) expect(pattern.test(name), name).toBe(true);
    for (const name of BAD) expect(pattern.test(name), name).toBe(false);
  });

  it("a config naming acme-/shop is refused and filed under no repository", () => {
    const text = MINIMAL.replace("repository: acme/shop", "repository: acme-/shop");
    expect(parseDeployConfig("x.yml", text, {}).problems.map((p) => p.path)).toContain("/repository");
    const index = indexConfigs([{ file: "x.yml", text }], {});
    expect(index.byRepository.size).toBe(0);
    expect(index.unattributed.map((p) => p.path)).toContain("/repository");
  });
});
