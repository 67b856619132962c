import type { JobData } from "../jobs/job-data.js";
import { isCommitSha } from "../core/repository.js";

/** What a webhook handler may do: hand facts to the queue. Nothing else happens in the request path. */
export type Enqueue = (data: JobData) => Promise<{ jobId: string; duplicate: boolean }>;

// GitHub owners: alphanumerics and single hyphens; repository names: alphanumerics, "-", "_", "." but never "." or "..".
export const REPO = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/(?!\.\.?$)[A-Za-z0-9_.-]{1,100}$/;

/** Payload facts are checked before they become job data: a malformed payload is dropped with a log line. */
export function invalidFacts(f: {
  repository?: unknown;
  sha?: unknown;
  pr?: unknown;
  installationId?: unknown;
}): string | undefined {
  if (typeof f.repository !== "string" || !REPO.test(f.repository)) return "repository full_name missing or malformed";
  if (typeof f.sha !== "string" || !isCommitSha(f.sha)) return "head sha missing or not a 40-hex commit id";
  if (typeof f.pr !== "number" || !Number.isSafeInteger(f.pr) || f.pr <= 0)
    return "pull request number missing or invalid";
  if (typeof f.installationId !== "number" || !Number.isSafeInteger(f.installationId)) {
    return "installation id missing (is the event from a GitHub App installation?)";
  }
  return undefined;
}
