// GitHub's source tarball puts every file under one directory "<owner>-<repo>-<sha7>/". `docker build -` takes the
// archive's root as the build context, so that directory is stripped here: each entry's path loses its first
// component (ustar name/prefix and pax "path" records), the root entry and pax global headers are dropped.
// Pure: uncompressed tar in, uncompressed tar out.
const BLOCK = 512;

function field(h: Buffer, start: number, length: number): string {
  const raw = h.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString("utf8");
}

function stripFirst(path: string): string {
  const slash = path.indexOf("/");
  return slash < 0 ? "" : path.slice(slash + 1);
}

function writeOctal(h: Buffer, start: number, length: number, value: number): void {
  h.fill(0, start, start + length);
  h.write(value.toString(8).padStart(length - 1, "0"), start, length - 1, "ascii");
}

function setPath(h: Buffer, path: string): void {
  h.fill(0, 0, 100);
  h.fill(0, 345, 500);
  if (Buffer.byteLength(path) <= 100) {
    h.write(path, 0, 100, "utf8");
    return;
  }
  // ustar: prefix (≤ 155) + "/" + name (≤ 100). Longer paths are carried by the pax record before the entry.
  const cut = path.lastIndexOf("/", 155);
  if (cut > 0 && Buffer.byteLength(path.slice(cut + 1)) <= 100) {
    h.write(path.slice(0, cut), 345, 155, "utf8");
    h.write(path.slice(cut + 1), 0, 100, "utf8");
  } else {
    h.write(path.slice(-100), 0, 100, "utf8");
  }
}

function checksum(h: Buffer): void {
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8, "ascii");
}

function rewritePax(data: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const len = Number(data.subarray(at, space).toString("ascii"));
    if (space < 0 || !Number.isInteger(len) || len <= 0) break;
    const record = data.subarray(space + 1, at + len - 1).toString("utf8"); // "key=value" without the newline
    at += len;
    const eq = record.indexOf("=");
    const key = record.slice(0, eq);
    const value = key === "path" ? stripFirst(record.slice(eq + 1)) : record.slice(eq + 1);
    const body = Buffer.from(` ${key}=${value}\n`, "utf8");
    // The length prefix counts its own digits: find the fixed point.
    let n = body.length + 1;
    while (String(n).length + body.length !== n) n = String(n).length + body.length;
    out.push(Buffer.from(String(n), "ascii"), body);
  }
  return Buffer.concat(out);
}

export function stripTarRoot(tar: Buffer): Buffer {
  const out: Buffer[] = [];
  let offset = 0;
  while (offset + BLOCK <= tar.length) {
    const header = Buffer.from(tar.subarray(offset, offset + BLOCK));
    if (header.every((b) => b === 0)) break;
    const size = parseInt(field(header, 124, 12).trim() || "0", 8);
    const type = String.fromCharCode(header[156] ?? 48);
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    const dataStart = offset + BLOCK;
    const data = tar.subarray(dataStart, dataStart + size);
    offset = dataStart + padded;
    if (type === "g") continue; // pax global header: only GitHub's commit comment
    if (type === "x") {
      const pax = rewritePax(data);
      writeOctal(header, 124, 12, pax.length);
      checksum(header);
      out.push(header, pax, Buffer.alloc((BLOCK - (pax.length % BLOCK)) % BLOCK));
      continue;
    }
    const prefix = field(header, 345, 155);
    const name = field(header, 0, 100);
    const path = stripFirst(prefix ? `${prefix}/${name}` : name);
    if (path === "" || path === "/") continue; // the root directory itself
    setPath(header, path);
    checksum(header);
    out.push(header, tar.subarray(dataStart, dataStart + padded));
  }
  out.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(out);
}
