// The file config source keeps its parsed index while no config file changed, and sees every change at once: an
// edit (even of the same size), a new file, a removed file. Real files in a temporary directory.
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createFileConfigSource } from "../../app/adapters/config/file-config-source.js";

const MINIMAL = readFileSync(new URL("../fixtures/configs/minimal.yml", import.meta.url), "utf8");
const dir = mkdtempSync(join(tmpdir(), "berth-configsrc-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const source = createFileConfigSource({ configDir: dir, templatesDir: dir, variables: {}, cwd: dir });
const write = (name: string, app: string) =>
  writeFileSync(join(dir, name), MINIMAL.replace("acme/shop", `acme/${app}`).replace("app: shop", `app: ${app}`));

describe("file config source", () => {
  it("reuses the parsed entry while nothing changed, and sees an edit, an added and a removed file at once", async () => {
    write("one.yml", "one");
    const first = await source.forRepository("acme/one");
    expect(first?.config?.app).toBe("one");
    expect(await source.forRepository("acme/one")).toBe(first); // same object: not parsed again

    // Same length, new content: the index must follow.
    write("one.yml", "uno");
    expect(await source.forRepository("acme/one")).toBeUndefined();
    expect((await source.forRepository("acme/uno"))?.config?.app).toBe("uno");

    write("two.yml", "two");
    expect((await source.all()).map((e) => e.config?.app).sort()).toEqual(["two", "uno"]);

    unlinkSync(join(dir, "one.yml"));
    expect(await source.forRepository("acme/uno")).toBeUndefined();
    expect((await source.forRepository("acme/two"))?.config?.app).toBe("two");
  });

  it("a directory that cannot be listed is not cached as empty", async () => {
    const gone = createFileConfigSource({ configDir: join(dir, "missing"), templatesDir: dir, variables: {} });
    await expect(gone.forRepository("acme/x")).rejects.toThrow();
  });
});
