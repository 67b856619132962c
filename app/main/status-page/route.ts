// GET /status (the page), POST /status/login (form → cookie), POST /status/logout. Off (404) unless
// BERTH_STATUS_TOKEN is set; a wrong token is 401. Answers no-store so a shared proxy never keeps a copy.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { renderLoginPage, renderStatusPage } from "../../core/status-page/render.js";
import { accessOf, sessionCookie, tokenMatches } from "./auth.js";
import { loadStatusPage, type StatusSources } from "./load.js";

const MAX_FORM_BYTES = 4096;

export interface StatusRouteOptions extends StatusSources {
  token?: string;
  log: Logger;
}

/** True when the request was for the status page (answered here), false to let other routes try. */
export function statusRoute(opts: StatusRouteOptions) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = (req.url ?? "").split("?")[0]!.replace(/\/+$/, "");
    if (path !== "/status" && !path.startsWith("/status/")) return false;
    const token = opts.token;
    if (!token) {
      send(res, 404, "application/json", JSON.stringify({ error: "not found" }));
      return true;
    }
    void handle(req, res, path, token, opts).catch((err: unknown) => {
      opts.log.error({ err }, "status page failed");
      if (!res.headersSent) send(res, 500, "text/plain; charset=utf-8", "status page unavailable\n");
      else res.end();
    });
    return true;
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  token: string,
  opts: StatusRouteOptions,
) {
  if (path === "/status/login" && req.method === "POST") {
    const form = new URLSearchParams(await readBody(req));
    const offered = form.get("token") ?? "";
    if (!tokenMatches(token, offered)) return send(res, 401, HTML, renderLoginPage("That token is not right."));
    res.writeHead(303, { location: "/status", "set-cookie": sessionCookie(req, token), "cache-control": "no-store" });
    return res.end();
  }
  if (path === "/status/logout" && req.method === "POST") {
    res.writeHead(303, {
      location: "/status",
      "set-cookie": sessionCookie(req, undefined),
      "cache-control": "no-store",
    });
    return res.end();
  }
  if (path !== "/status" || (req.method !== "GET" && req.method !== "HEAD"))
    return send(res, 404, "application/json", JSON.stringify({ error: "not found" }));
  const access = accessOf(req, token);
  if (access !== "granted") {
    res.setHeader("www-authenticate", 'Bearer realm="berth-status"');
    return send(res, 401, HTML, renderLoginPage(access === "wrong-token" ? "That token is not right." : undefined));
  }
  send(res, 200, HTML, renderStatusPage(await loadStatusPage(opts)));
}

const HTML = "text/html; charset=utf-8";

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    "content-type": type,
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'",
  });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_FORM_BYTES) {
        reject(new Error("login form too large"));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
