// A gzipped ustar archive as GitHub's tarball endpoint sends it (every path under one top-level directory), built
// in memory for build-from-source tests.
import { gzipSync } from "node:zlib";

function header(name: string, size: number, type: "0" | "5"): Buffer {
  const h = Buffer.alloc(512);
  const put = (text: string, at: number, len: number) => h.write(text.slice(0, len), at, len, "utf8");
  const octal = (n: number, len: number) => n.toString(8).padStart(len - 1, "0");
  put(name, 0, 100);
  put(`${octal(type === "5" ? 0o755 : 0o644, 8)}\0`, 100, 8);
  put(`${octal(0, 8)}\0`, 108, 8);
  put(`${octal(0, 8)}\0`, 116, 8);
  put(`${octal(size, 12)}\0`, 124, 12);
  put(`${octal(0, 12)}\0`, 136, 12);
  put("        ", 148, 8);
  put(type, 156, 1);
  put("ustar\0", 257, 6);
  put("00", 263, 2);
  let sum = 0;
  for (const byte of h) sum += byte;
  put(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8);
  return h;
}

export function githubTarball(root: string, files: Record<string, string>): Buffer {
  const parts: Buffer[] = [header(`${root}/`, 0, "5")];
  for (const [path, text] of Object.entries(files)) {
    const body = Buffer.from(text);
    parts.push(header(`${root}/${path}`, body.length, "0"), body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(parts));
}
