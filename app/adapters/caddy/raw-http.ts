// HTTP/1.1 by hand for Caddy's admin API reached through `docker exec -i <edge> nc 127.0.0.1 2019`: the request is
// the exec's stdin, the response its stdout. `Connection: close` makes Caddy close, which ends nc and the exec.

export interface RawResponse {
  status: number;
  body: string;
}

export function rawRequest(method: string, path: string, body?: unknown): string {
  if (!/^\/[A-Za-z0-9/@._-]*$/.test(path)) throw new Error(`refusing admin path ${JSON.stringify(path)}`);
  const payload = body === undefined ? "" : JSON.stringify(body);
  const headers = [
    `${method} ${path} HTTP/1.1`,
    // Caddy's admin checks Host against its listen address (DNS-rebinding protection).
    "Host: localhost:2019",
    "Connection: close",
    ...(body === undefined ? [] : ["Content-Type: application/json", `Content-Length: ${Buffer.byteLength(payload)}`]),
  ];
  return `${headers.join("\r\n")}\r\n\r\n${payload}`;
}

export function parseResponse(text: string): RawResponse {
  const split = text.indexOf("\r\n\r\n");
  if (split < 0) throw new Error(`no HTTP response from the edge's admin API: ${JSON.stringify(text.slice(0, 200))}`);
  const head = text.slice(0, split).split("\r\n");
  const status = Number(/^HTTP\/1\.[01] ([0-9]{3})/.exec(head[0] ?? "")?.[1]);
  if (!Number.isInteger(status)) throw new Error(`not an HTTP status line: ${JSON.stringify(head[0])}`);
  const chunked = head.some((h) => /^transfer-encoding:\s*chunked/i.test(h));
  const rest = text.slice(split + 4);
  return { status, body: chunked ? dechunk(rest) : rest };
}

/** Chunk sizes count bytes, not characters: decode on bytes. */
function dechunk(text: string): string {
  const bytes = Buffer.from(text, "utf8");
  const parts: Buffer[] = [];
  let at = 0;
  while (at < bytes.length) {
    const eol = bytes.indexOf("\r\n", at);
    if (eol < 0) break;
    const size = parseInt(bytes.subarray(at, eol).toString("latin1"), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(bytes.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts).toString("utf8");
}
