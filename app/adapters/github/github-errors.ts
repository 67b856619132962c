import { FinalError, TransientError } from "../../errors.js";

interface RequestErrorLike {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined> };
}

/** GitHub 5xx, 429 and secondary rate limits (403 + retry-after) pass; 401/404/422 need a human. */
export function classifyGitHubError(what: string, err: unknown): Error {
  const e = err as RequestErrorLike;
  const status = e.status ?? 0;
  const headers = e.response?.headers ?? {};
  const retryAfter = Number(headers["retry-after"]);
  const reset = Number(headers["x-ratelimit-reset"]);
  const message = `${what}: GitHub answered ${status || "no response"}: ${e.message ?? String(err)}`;
  if (status === 429 || (status === 403 && (Number.isFinite(retryAfter) || headers["x-ratelimit-remaining"] === "0"))) {
    const waitMs = Number.isFinite(retryAfter)
      ? retryAfter * 1000
      : Number.isFinite(reset)
        ? Math.max(0, reset * 1000 - Date.now())
        : 60_000;
    return new TransientError(message, waitMs, { cause: err });
  }
  if (status >= 500 || status === 0) return new TransientError(message, undefined, { cause: err });
  return new FinalError(message, { cause: err });
}
