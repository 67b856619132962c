// Hostile requests to the webhook URL, against the real server (app/main/server.ts with Probot) in this process:
// oversized bodies, unsigned and wrongly signed requests, malformed JSON, wrong content types. Each is refused with
// a 4xx, nothing is enqueued, and the log grows by a bounded amount. A correctly signed event is the control.
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { request, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Redis } from "ioredis";
import { createProbot } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, WEBHOOK_PATH } from "../../app/main/server.js";
import { createLogger } from "../../app/main/logger.js";
import { MAX_WEBHOOK_BYTES } from "../../app/main/webhook-intake.js";
import type { JobData } from "../../app/jobs/job-data.js";
import { signBody } from "../../scripts/lib/webhook-sender.js";
import { pullRequestPayload } from "../fixtures/webhooks/index.js";
import { recordReliability } from "../helpers/reliability.js";

const SECRET = "hostile-webhook-secret";
const enqueued: JobData[] = [];
let logBytes = 0;
const logLines: string[] = [];
let server: Server;
let port: number;
/** The server side of the newest connection: its bytesRead is what Berth took off the wire. */
let serverSocket: Socket | undefined;

beforeAll(async () => {
  const log = createLogger("info", undefined, {
    write: (line: string) => {
      logBytes += Buffer.byteLength(line);
      logLines.push(line);
    },
  });
  const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 })
    .privateKey.export({ type: "pkcs1", format: "pem" })
    .toString();
  const probot = createProbot({ overrides: { appId: 1, privateKey, secret: SECRET, log }, env: {} });
  server = await startServer({
    probot,
    enqueue: (data) => {
      enqueued.push(data);
      return Promise.resolve({ jobId: `job-${enqueued.length}`, duplicate: false });
    },
    redis: {} as Redis,
    port: 0,
    host: "127.0.0.1",
    webhookSecret: SECRET,
  });
  port = (server.address() as AddressInfo).port;
  server.on("connection", (socket: Socket) => (serverSocket = socket));
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

interface Sent {
  status: number;
  body: string;
  /** Bytes the client had written when the answer arrived. */
  writtenWhenAnswered: number;
  /** Bytes the server read from this connection. */
  serverRead: number;
}

/** Streams `total` bytes in 64 KiB chunks (declaring the length or chunked) and reports when the answer came. */
function send(opts: {
  headers: Record<string, string>;
  body?: Buffer;
  streamBytes?: number;
  declareLength?: boolean;
}): Promise<Sent> {
  return new Promise((resolve, reject) => {
    let written = 0;
    let writtenWhenAnswered = -1;
    const total = opts.body?.length ?? opts.streamBytes ?? 0;
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.declareLength !== false) headers["content-length"] = String(total);
    const options = { host: "127.0.0.1", port, path: WEBHOOK_PATH, method: "POST", headers, agent: false };
    const req = request(options, (res) => {
      writtenWhenAnswered = written;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => {
        // Let the server finish closing, then read how much it took in.
        setTimeout(() => {
          const serverRead = serverSocket?.bytesRead ?? -1;
          resolve({ status: res.statusCode ?? 0, body, writtenWhenAnswered, serverRead });
        }, 200);
      });
      res.on("error", reject);
    });
    // The server may close the connection while we still write: that is the point of answering early.
    req.on("error", (err) => (writtenWhenAnswered >= 0 ? undefined : reject(err)));
    if (opts.body) {
      written = opts.body.length;
      req.end(opts.body);
      return;
    }
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      while (written < total && writtenWhenAnswered < 0 && !req.destroyed) {
        const n = Math.min(chunk.length, total - written);
        written += n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          req.once("drain", pump);
          return;
        }
      }
      if (written >= total && !req.destroyed) req.end();
    };
    pump();
  });
}

function webhookHeaders(body: Buffer | string, over: Record<string, string | undefined> = {}): Record<string, string> {
  const headers: Record<string, string | undefined> = {
    "content-type": "application/json",
    "x-github-event": "pull_request",
    "x-github-delivery": randomUUID(),
    "x-hub-signature-256": signBody(SECRET, body.toString()),
    ...over,
  };
  return Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined));
}

const validBody = () => Buffer.from(JSON.stringify(pullRequestPayload("opened", { number: 901 })));

describe("hostile webhooks", () => {
  it("a correctly signed event is accepted and enqueued (control)", async () => {
    const body = validBody();
    const before = enqueued.length;
    const res = await send({ headers: webhookHeaders(body), body });
    expect(res.status).toBe(200);
    expect(enqueued.length).toBe(before + 1);
    expect(enqueued.at(-1)).toMatchObject({ kind: "deploy-preview", pr: 901 });
  });

  it("a signed body declared over 25 MB is answered 413 before it is read", async () => {
    const before = { enqueued: enqueued.length, log: logBytes };
    const started = performance.now();
    const res = await send({
      headers: webhookHeaders("{}", { "x-hub-signature-256": signBody(SECRET, "x") }),
      streamBytes: 26 * 1024 * 1024,
    });
    const ms = performance.now() - started;
    expect(res.status).toBe(413);
    // Berth took in less than 1 MB of the 26 before answering and closing: the body was never read, let alone held.
    expect(res.serverRead).toBeGreaterThan(0);
    expect(res.serverRead).toBeLessThan(1024 * 1024);
    expect(enqueued.length).toBe(before.enqueued);
    expect(logBytes - before.log).toBeLessThan(2048);
    recordReliability({
      area: "input",
      what: "webhook body over 25 MB (Content-Length declared)",
      injected: "a signed POST declaring 26 MB, streamed in 64 KiB chunks",
      berthDid: `413 after reading ${Math.round(res.serverRead / 1024)} KiB of it; connection closed; nothing enqueued`,
      recoverMs: ms,
      lost: "nothing",
    });
  });

  it("a chunked body that grows past 25 MB is cut off at the cap, never held whole", async () => {
    const before = { enqueued: enqueued.length, log: logBytes };
    const total = 64 * 1024 * 1024;
    const res = await send({
      headers: webhookHeaders("{}", { "transfer-encoding": "chunked" }),
      streamBytes: total,
      declareLength: false,
    });
    expect(res.status).toBe(413);
    // Read up to the cap, then answered and closed: the sender's remaining 38 MB were never taken in.
    expect(res.serverRead).toBeGreaterThan(MAX_WEBHOOK_BYTES);
    expect(res.serverRead).toBeLessThan(MAX_WEBHOOK_BYTES + 2 * 1024 * 1024);
    expect(enqueued.length).toBe(before.enqueued);
    expect(logBytes - before.log).toBeLessThan(2048);
    recordReliability({
      area: "input",
      what: "webhook body over 25 MB (chunked, no length)",
      injected: "a signed POST streaming 64 MB without Content-Length",
      berthDid: `413 once the count passed 25 MB (read ${(res.serverRead / 1048576).toFixed(1)} MB); connection closed`,
      lost: "nothing",
    });
  });

  it("unsigned and wrongly signed requests are refused; nothing enqueued; the log grows by a bounded amount", async () => {
    const big = Buffer.from(
      JSON.stringify({ ...pullRequestPayload("opened", { number: 902 }), pad: "x".repeat(1 << 20) }),
    );
    const before = { enqueued: enqueued.length, log: logBytes, lines: logLines.length };
    const cases = [
      { name: "unsigned", headers: webhookHeaders(big, { "x-hub-signature-256": undefined }) },
      {
        name: "wrong secret",
        headers: webhookHeaders(big, { "x-hub-signature-256": signBody("not-the-secret", big.toString()) }),
      },
      {
        name: "garbage signature",
        headers: webhookHeaders(big, { "x-hub-signature-256": "sha256=" + "z".repeat(5000) }),
      },
      {
        name: "signature of another body",
        headers: webhookHeaders(big, { "x-hub-signature-256": signBody(SECRET, "{}") }),
      },
    ];
    for (const c of cases) {
      for (let i = 0; i < 5; i++) {
        const res = await send({ headers: c.headers, body: big });
        expect(res.status, c.name).toBeGreaterThanOrEqual(400);
        expect(res.status, c.name).toBeLessThan(500);
      }
    }
    const grew = logBytes - before.log;
    // 20 requests of 1 MB each: at most ~1 KiB of log per request, and never the payload.
    expect(grew).toBeLessThan(20 * 1024);
    const newLines = logLines.slice(before.lines).join("");
    expect(newLines).not.toContain("xxxxxxxxxx");
    expect(newLines).not.toContain("acme/shop");
    expect(enqueued.length).toBe(before.enqueued);
    recordReliability({
      area: "input",
      what: "unsigned or wrongly signed webhook",
      injected: "20 POSTs of 1 MB: unsigned, wrong secret, a 5 000-char garbage signature, another body's signature",
      berthDid: `401/400 each; nothing enqueued; log grew ${grew} bytes in total (one warn line each, no payload)`,
      lost: "nothing",
    });
  });

  it("malformed JSON and wrong content types are answered 400", async () => {
    const before = { enqueued: enqueued.length, log: logBytes };
    const malformed = Buffer.from('{"action": "opened", "pull_request": {');
    const statuses: Record<string, number> = {};
    statuses.malformedJson = (await send({ headers: webhookHeaders(malformed), body: malformed })).status;
    const body = validBody();
    for (const type of ["application/x-www-form-urlencoded", "text/plain", "application/jsonp", ""]) {
      const headers = webhookHeaders(body, { "content-type": type || undefined });
      statuses[type || "none"] = (await send({ headers, body })).status;
    }
    const noEvent = webhookHeaders(body, { "x-github-event": undefined });
    statuses.missingEvent = (await send({ headers: noEvent, body })).status;
    expect(statuses).toEqual({
      malformedJson: 400,
      "application/x-www-form-urlencoded": 400,
      "text/plain": 400,
      "application/jsonp": 400,
      none: 400,
      missingEvent: 400,
    });
    expect(enqueued.length).toBe(before.enqueued);
    expect(logBytes - before.log).toBeLessThan(6 * 1024);
    recordReliability({
      area: "input",
      what: "malformed JSON or wrong content type",
      injected: "a signed truncated JSON body; form-encoded, text/plain, application/jsonp and no content type",
      berthDid: "400 with the reason; nothing enqueued",
      lost: "nothing",
    });
  });
});
