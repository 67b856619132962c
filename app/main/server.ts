// The webhook server: verifies signatures, turns events into jobs, answers in milliseconds.
// Runs without a worker: jobs wait in Redis until one is started (app/main/worker.ts).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Probot } from "probot";
import type { Redis } from "ioredis";
import { berthApp } from "../index.js";
import type { Enqueue } from "../events/enqueue.js";
import type { ConfigSource } from "../ports/config-source.js";
import { checkRedis } from "../adapters/redis/connection.js";
import { takeWebhook } from "./webhook-intake.js";
import { webhookRouter } from "./webhook-router.js";

export const WEBHOOK_PATH = "/api/github/webhooks";

export async function startServer(opts: {
  probot: Probot;
  enqueue: Enqueue;
  redis: Redis;
  port: number;
  host: string;
  configs?: ConfigSource;
  webhookSecret: string;
  /** Largest body accepted; GitHub's 25 MB cap unless a test lowers it. */
  maxWebhookBytes?: number;
  /** More routes (/metrics, /status): each answers and returns true, or returns false to pass. */
  routes?: Array<(req: IncomingMessage, res: ServerResponse) => boolean>;
  /** Each webhook answered: HTTP status and seconds from arrival to the end of the answer. */
  onWebhookAnswered?: (status: number, seconds: number) => void;
}): Promise<Server> {
  const receive = webhookRouter(berthApp(opts.enqueue, opts.configs), opts.probot.log);
  const server = createServer((req, res) => {
    if (req.method === "GET" && (req.url === "/healthz" || req.url === "/healthz/")) {
      void checkRedis(opts.redis).then((r) => {
        res.writeHead(r.ok ? 200 : 503, { "content-type": "application/json" });
        res.end(JSON.stringify({ ok: r.ok, redis: r }));
      });
      return;
    }
    if (opts.routes?.some((route) => route(req, res))) return;
    if (req.method === "POST" && isWebhookPath(req.url)) {
      if (opts.onWebhookAnswered) {
        const arrived = performance.now();
        res.once("finish", () => opts.onWebhookAnswered!(res.statusCode, (performance.now() - arrived) / 1000));
      }
      void takeWebhook(req, { secret: opts.webhookSecret, log: opts.probot.log, maxBytes: opts.maxWebhookBytes }).then(
        (intake) => {
          if (!intake.ok) {
            // Closing the connection stops a sender that is still streaming an oversized body.
            res.writeHead(intake.status, { "content-type": "application/json", connection: "close" });
            res.end(JSON.stringify({ error: intake.error }), () => req.destroy());
            return;
          }
          answerWebhook(req, res, intake.payload, receive, opts.probot.log);
        },
        (err: unknown) => {
          opts.probot.log.warn({ err: String(err) }, "webhook request failed while reading its body");
          res.destroy();
        },
      );
      return;
    }
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: "not found" }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return server;
}

function isWebhookPath(url: string | undefined): boolean {
  const path = (url ?? "").split("?")[0]!.replace(/\/+$/, "");
  return path === WEBHOOK_PATH;
}

/** GitHub gives up after 10 s: past this the answer is 202 and the handlers go on (what Probot answered too). */
const ANSWER_WITHIN_MS = 9_000;

function answerWebhook(
  req: IncomingMessage,
  res: ServerResponse,
  payload: unknown,
  receive: ReturnType<typeof webhookRouter>,
  log: Probot["log"],
): void {
  const id = String(req.headers["x-github-delivery"]);
  const name = String(req.headers["x-github-event"]);
  let answered = false;
  const answer = (status: number, type: string, body: string) => {
    if (answered) return;
    answered = true;
    res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
    res.end(body);
  };
  const late = setTimeout(() => answer(202, "text/plain", "still processing\n"), ANSWER_WITHIN_MS);
  receive({ id, name, payload }).then(
    () => {
      clearTimeout(late);
      answer(200, "text/plain", "ok\n");
    },
    (err: Error) => {
      clearTimeout(late);
      log.error({ err, delivery: id, event: name }, "webhook handler failed");
      answer(500, "application/json", JSON.stringify({ error: `${err.name}: ${err.message}` }));
    },
  );
}
