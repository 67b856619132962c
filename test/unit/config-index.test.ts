import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { indexConfigs } from "../../app/core/config/index.js";

const MINIMAL = readFileSync(new URL("../fixtures/configs/minimal.yml", import.meta.url), "utf8");
const BLOG = readFileSync(new URL("../fixtures/configs/two-services.yml", import.meta.url), "utf8");

describe("indexConfigs", () => {
  it("files each config under its lower-cased repository", () => {
    const index = indexConfigs(
      [
        { file: "deploy-configs/shop.yml", text: MINIMAL.replace("acme/shop", "Acme/Shop") },
        { file: "deploy-configs/blog.yml", text: BLOG },
      ],
      {},
    );
    expect([...index.byRepository.keys()].sort()).toEqual(["acme/blog", "acme/shop"]);
    expect(index.byRepository.get("acme/shop")).toMatchObject({ file: "deploy-configs/shop.yml", problems: [] });
    expect(index.byRepository.get("acme/shop")?.config?.repository).toBe("Acme/Shop");
    expect(index.unattributed).toEqual([]);
  });

  it("an invalid file is still filed under its repository, with its problems", () => {
    const index = indexConfigs(
      [
        {
          file: "deploy-configs/shop.yml",
          text: MINIMAL.replace("    port: 8080", "    port: 8080\n    replicas: 51"),
        },
      ],
      {},
    );
    const entry = index.byRepository.get("acme/shop");
    expect(entry?.config).toBeUndefined();
    expect(entry?.problems.map((p) => `${p.file}:${p.line}:${p.col} ${p.message}`)).toEqual([
      "deploy-configs/shop.yml:15:15 must be ≤ 50",
    ]);
  });

  it("a file with a YAML error elsewhere is still attributed when its repository line reads", () => {
    const index = indexConfigs([{ file: "s.yml", text: MINIMAL.replace("  user: deploy", "  user: [deploy") }], {});
    expect(index.byRepository.get("acme/shop")?.problems[0]?.message).toMatch(/^YAML syntax/);
  });

  it("problems of a file whose repository cannot be read go to unattributed", () => {
    const index = indexConfigs(
      [{ file: "x.yml", text: MINIMAL.replace("repository: acme/shop", "repository: ${REPO}") }],
      {},
    );
    expect(index.byRepository.size).toBe(0);
    expect(index.unattributed.map((p) => `${p.file}:${p.line}:${p.col} ${p.path}`)).toEqual(["x.yml:1:13 /repository"]);
  });

  it("two files claiming one repository: a problem on both, and no config", () => {
    const index = indexConfigs(
      [
        { file: "deploy-configs/a.yml", text: MINIMAL },
        { file: "deploy-configs/b.yml", text: "# second\n" + MINIMAL.replace("acme/shop", "ACME/shop") },
      ],
      {},
    );
    const entry = index.byRepository.get("acme/shop");
    expect(entry?.config).toBeUndefined();
    expect(entry?.problems.map((p) => `${p.file}:${p.line}:${p.col} ${p.message}`)).toEqual([
      "deploy-configs/a.yml:1:13 repository acme/shop is also claimed by deploy-configs/b.yml; keep exactly one file per repository",
      "deploy-configs/b.yml:2:13 repository acme/shop is also claimed by deploy-configs/a.yml; keep exactly one file per repository",
    ]);
  });
});
