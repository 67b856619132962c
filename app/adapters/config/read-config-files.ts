// Reads every deploy config in the directory, each at most just past the size limit: a 10 MB file costs 256 KiB of
// memory, and a file that cannot be read becomes that file's problem, never an error that stops every repository.
import { open, readdir } from "node:fs/promises";
import { join } from "node:path";
import type { ConfigFile } from "../../core/config/index.js";
import { MAX_CONFIG_BYTES } from "../../core/config/text-limits.js";

export async function readConfigFiles(configDir: string, shown: (path: string) => string): Promise<ConfigFile[]> {
  const names = (await readdir(configDir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  return Promise.all(names.map((n) => readBounded(join(configDir, n), shown(join(configDir, n)))));
}

async function readBounded(path: string, file: string): Promise<ConfigFile> {
  let handle;
  try {
    handle = await open(path, "r");
    const stat = await handle.stat();
    if (!stat.isFile()) return { file, text: "", readError: "not a regular file" };
    const buffer = Buffer.alloc(Math.min(stat.size, MAX_CONFIG_BYTES + 1));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return { file, text: buffer.subarray(0, bytesRead).toString("utf8"), bytes: Math.max(stat.size, bytesRead) };
  } catch (err) {
    return { file, text: "", readError: `cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  } finally {
    await handle?.close();
  }
}
