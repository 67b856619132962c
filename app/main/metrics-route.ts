// GET /metrics in Prometheus' text format. On the webhook server's port (npm start, start:server) and, for a
// worker started alone, on BERTH_METRICS_PORT (see metricsServer).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Registry } from "prom-client";
import type { Logger } from "pino";

export function metricsRoute(registry: Registry, log: Logger) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = (req.url ?? "").split("?")[0];
    if (path !== "/metrics" || req.method !== "GET") return false;
    void registry
      .metrics()
      .then((text) => {
        res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" });
        res.end(text);
      })
      .catch((err: unknown) => {
        log.error({ err }, "collecting metrics failed");
        res.writeHead(500, { "content-type": "text/plain" });
        res.end("metrics unavailable\n");
      });
    return true;
  };
}

/** A worker without the webhook server still needs to be scraped: a tiny server for /metrics alone. */
export async function metricsServer(registry: Registry, log: Logger, port: number, host: string): Promise<Server> {
  const route = metricsRoute(registry, log);
  const server = createServer((req, res) => {
    if (route(req, res)) return;
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: "not found" }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
