// Who may read the status page: a request with `Authorization: Bearer <BERTH_STATUS_TOKEN>`, or a browser holding
// the cookie the login form sets. The cookie holds an HMAC of the token, never the token: rotating the token
// signs everybody out, and a leaked cookie does not reveal it. Comparisons are constant-time.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

export const STATUS_COOKIE = "berth_status";
const COOKIE_MAX_AGE_SECONDS = 12 * 3600;

export type Access = "granted" | "wrong-token" | "none";

export function sessionValue(token: string): string {
  return createHmac("sha256", token).update("berth status page session v1").digest("base64url");
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function tokenMatches(token: string, offered: string): boolean {
  return same(sessionValue(token), sessionValue(offered));
}

export function accessOf(req: IncomingMessage, token: string): Access {
  const auth = req.headers.authorization;
  if (auth !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return m && tokenMatches(token, m[1]!) ? "granted" : "wrong-token";
  }
  const cookie = cookieOf(req, STATUS_COOKIE);
  if (cookie === undefined) return "none";
  return same(cookie, sessionValue(token)) ? "granted" : "wrong-token";
}

function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** Secure when the request came over HTTPS (directly or through a proxy that says so). */
export function sessionCookie(req: IncomingMessage, token: string | undefined): string {
  const secure = req.headers["x-forwarded-proto"] === "https" || "encrypted" in req.socket ? "; Secure" : "";
  const value = token === undefined ? "" : sessionValue(token);
  const maxAge = token === undefined ? 0 : COOKIE_MAX_AGE_SECONDS;
  return `${STATUS_COOKIE}=${value}; Path=/status; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure}`;
}
