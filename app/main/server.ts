// The webhook server: verifies signatures (Probot), turns events into jobs, answers in milliseconds.
// Runs without a worker: jobs wait in Redis until one is started (app/main/worker.ts).
import { createServer, type Server } from "node:http";
import { createNodeMiddleware, type Probot } from "probot";
import type { Redis } from "ioredis";
import { berthApp } from "../index.js";
import type { Enqueue } from "../events/enqueue.js";
import type { ConfigSource } from "../ports/config-source.js";
import { checkRedis } from "../adapters/redis/connection.js";
import { takeWebhook } from "./webhook-intake.js";

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
}): Promise<Server> {
  const middleware = await createNodeMiddleware(berthApp(opts.enqueue, opts.configs), {
    probot: opts.probot,
    webhooksPath: WEBHOOK_PATH,
  });
  const server = createServer((req, res) => {
    if (req.method === "GET" && (req.url === "/healthz" || req.url === "/healthz/")) {
      void checkRedis(opts.redis).then((r) => {
        res.writeHead(r.ok ? 200 : 503, { "content-type": "application/json" });
        res.end(JSON.stringify({ ok: r.ok, redis: r }));
      });
      return;
    }
    if (req.method === "POST" && isWebhookPath(req.url)) {
      void takeWebhook(req, { secret: opts.webhookSecret, log: opts.probot.log, maxBytes: opts.maxWebhookBytes }).then(
        (intake) => {
          if (!intake.ok) {
            // Closing the connection stops a sender that is still streaming an oversized body.
            res.writeHead(intake.status, { "content-type": "application/json", connection: "close" });
            res.end(JSON.stringify({ error: intake.error }), () => req.destroy());
            return;
          }
          // Probot reads a body that was already read from rawBody, and verifies its signature again.
          Object.assign(req, { body: intake.payload, rawBody: intake.raw });
          void middleware(req, res);
        },
        (err: unknown) => {
          opts.probot.log.warn({ err: String(err) }, "webhook request failed while reading its body");
          res.destroy();
        },
      );
      return;
    }
    void middleware(req, res, () => {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "not found" }));
    });
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
