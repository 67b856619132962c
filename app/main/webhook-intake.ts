// The webhook URL is reachable by anyone. Before Probot sees a request, Berth checks what it can without trusting
// the sender: JSON content type, GitHub's headers, a body no larger than GitHub ever sends (counted while it streams,
// so an oversized body is never held in memory), a valid HMAC signature, parseable JSON. A refused request costs one
// bounded log line: Probot would log an unsigned request's whole payload at error level.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Logger } from "pino";

/** GitHub caps webhook payloads at 25 MB. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

const JSON_TYPE = /^\s*application\/json\s*(?:;|$)/i;
const SIGNATURE = /^sha256=[0-9a-f]{64}$/;

export type Intake = { ok: true; raw: Buffer; payload: unknown } | { ok: false; status: number; error: string };

export async function takeWebhook(
  req: IncomingMessage,
  opts: { secret: string; log: Logger; maxBytes?: number },
): Promise<Intake> {
  const maxBytes = opts.maxBytes ?? MAX_WEBHOOK_BYTES;
  const refuse = (status: number, error: string, bytes?: number): Intake => {
    opts.log.warn({ webhook: summary(req, bytes), status }, `webhook refused: ${error}`);
    return { ok: false, status, error };
  };
  if (!JSON_TYPE.test(header(req, "content-type")))
    return refuse(400, "Content-Type must be application/json (set it in the App's webhook settings)");
  const missing = ["x-github-event", "x-github-delivery"].filter((h) => !header(req, h));
  if (missing.length > 0) return refuse(400, `required headers missing: ${missing.join(", ")}`);
  const signature = header(req, "x-hub-signature-256");
  if (!signature) return refuse(401, "unsigned: X-Hub-Signature-256 is required");
  const declared = Number(header(req, "content-length") || "0");
  if (declared > maxBytes) return refuse(413, `body of ${declared} bytes is over GitHub's ${maxBytes}-byte cap`);

  const body = await readCapped(req, maxBytes);
  if (!body.ok) return refuse(413, `body is over GitHub's ${maxBytes}-byte cap`, body.bytes);
  if (!signatureMatches(opts.secret, body.raw, signature))
    return refuse(401, "signature does not match the body and the webhook secret", body.raw.length);
  try {
    return { ok: true, raw: body.raw, payload: JSON.parse(body.raw.toString("utf8")) };
  } catch {
    return refuse(400, "body is not valid JSON", body.raw.length);
  }
}

/** Reads at most maxBytes; past that it stops keeping chunks and says so (the caller answers 413 and closes). */
function readCapped(
  req: IncomingMessage,
  maxBytes: number,
): Promise<{ ok: true; raw: Buffer } | { ok: false; bytes: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        req.off("data", onData);
        req.off("end", onEnd);
        chunks.length = 0;
        req.pause();
        resolve({ ok: false, bytes });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => resolve({ ok: true, raw: Buffer.concat(chunks, bytes) });
    req.on("data", onData);
    req.on("end", onEnd);
    req.once("error", reject);
  });
}

function signatureMatches(secret: string, raw: Buffer, signature: string): boolean {
  if (!SIGNATURE.test(signature)) return false;
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(raw).digest("hex")}`);
  return timingSafeEqual(expected, Buffer.from(signature));
}

function header(req: IncomingMessage, name: string): string {
  const value = req.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

// What an operator needs to recognise a refused request, each field cut short: never the body.
function summary(req: IncomingMessage, bytes?: number) {
  const cut = (s: string) => (s.length > 100 ? `${s.slice(0, 100)}…` : s);
  return {
    event: cut(header(req, "x-github-event")),
    delivery: cut(header(req, "x-github-delivery")),
    contentType: cut(header(req, "content-type")),
    declaredBytes: cut(header(req, "content-length")),
    ...(bytes !== undefined ? { bytes } : {}),
    userAgent: cut(header(req, "user-agent")),
    remote: req.socket.remoteAddress,
  };
}
