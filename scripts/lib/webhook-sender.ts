// Sends a webhook the way GitHub does: JSON body, X-GitHub-Event, X-GitHub-Delivery, X-Hub-Signature-256 =
// HMAC-SHA256 of the raw body with the app's webhook secret.
import { createHmac, randomUUID } from "node:crypto";

export interface SentWebhook {
  status: number;
  body: string;
  deliveryId: string;
  ms: number;
}

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export async function sendWebhook(opts: {
  url: string;
  event: string;
  payload: unknown;
  secret?: string; // undefined → unsigned
  signature?: string; // force a given (wrong) signature
  deliveryId?: string;
}): Promise<SentWebhook> {
  const body = JSON.stringify(opts.payload);
  const deliveryId = opts.deliveryId ?? randomUUID();
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "GitHub-Hookshot/berth-test",
    "x-github-event": opts.event,
    "x-github-delivery": deliveryId,
  };
  const signature = opts.signature ?? (opts.secret !== undefined ? signBody(opts.secret, body) : undefined);
  if (signature !== undefined) headers["x-hub-signature-256"] = signature;
  const started = performance.now();
  const post = () => fetch(opts.url, { method: "POST", headers, body, signal: AbortSignal.timeout(15_000) });
  let res: Response;
  try {
    res = await post();
  } catch (err) {
    // A pooled keep-alive connection the server closed while this process was busy (a test's execFileSync blocks
    // the event loop, so the close is not seen before the socket is reused) fails as "other side closed". Sent
    // again on a new connection with the same delivery id, as GitHub's redelivery would be; Berth dedupes by that id.
    if ((err as { cause?: { code?: string } }).cause?.code !== "UND_ERR_SOCKET") throw err;
    res = await post();
  }
  return { status: res.status, body: await res.text(), deliveryId, ms: performance.now() - started };
}
