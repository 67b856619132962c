// The file config source keeps its parsed index while no config file changed, and sees every change at once: an
// edit (even of the same size), a new file, a removed file. Real files in a temporary directory.
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { createFileConfigSource } from "../../app/adapters/config/file-config-source.js";

const MINIMAL = readFileSync(new URL("../fixtures/configs/minimal.yml", import.meta.url), "utf8");
const dir = mkdtempSync(join(tmpdir(), "berth-configsrc-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const source = createFileConfigSource({ configDir: dir, templatesDir: dir, variables: {}, cwd: dir });
const write = (name: string, app: string) =>
  writeFileSync(join(dir, name), MINIMAL.replace("acme/shop", `acme/${app}`).replace("app: shop", `app: ${app}`));

// A file's timestamps are only as fine as a kernel tick, so the source keeps nothing while a file changed in the last
// two seconds; these tests move the clock the source reads past that instead of sleeping.
const settled = () => vi.setSystemTime(Date.now() + 3_000);
afterEach(() => vi.useRealTimers());

describe("file config source", () => {
  it("reuses the parsed entry while nothing changed, and sees an edit, an added and a removed file at once", async () => {
    write("one.yml", "one");
    vi.useFakeTimers({ toFake: ["Date"] });
    settled();
    const first = await source.forRepository("acme/one");
    expect(first?.config?.app).toBe("one");
    expect(await source.forRepository("acme/one")).toBe(first); // same object: not parsed again

    // Same length, new content: the index must follow. The pause puts the edit in a later kernel tick than the
    // first write (HZ ≥ 100), which is all a kept index can tell an edit by.
    await new Promise((r) => setTimeout(r, 20));
    write("one.yml", "uno");
    expect(await source.forRepository("acme/one")).toBeUndefined();
    expect((await source.forRepository("acme/uno"))?.config?.app).toBe("uno");

    write("two.yml", "two");
    expect((await source.all()).map((e) => e.config?.app).sort()).toEqual(["two", "uno"]);

    unlinkSync(join(dir, "one.yml"));
    expect(await source.forRepository("acme/uno")).toBeUndefined();
    expect((await source.forRepository("acme/two"))?.config?.app).toBe("two");
  });

  it("an edit within the same clock tick as the last read is seen (nothing is kept while files are that new)", async () => {
    write("three.yml", "three");
    expect((await source.forRepository("acme/three"))?.config?.app).toBe("three");
    write("three.yml", "trois"); // same size, most likely the same mtime
    expect(await source.forRepository("acme/three")).toBeUndefined();
    expect((await source.forRepository("acme/trois"))?.config?.app).toBe("trois");
    unlinkSync(join(dir, "three.yml"));
  });

  it("a directory that cannot be listed is not cached as empty", async () => {
    const gone = createFileConfigSource({ configDir: join(dir, "missing"), templatesDir: dir, variables: {} });
    await expect(gone.forRepository("acme/x")).rejects.toThrow();
  });
});
