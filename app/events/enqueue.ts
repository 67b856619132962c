import type { JobData } from "../jobs/job-data.js";
import { isCommitSha, isRepositoryName } from "../core/repository.js";

/** What a webhook handler may do: hand facts to the queue. Nothing else happens in the request path. */
export type Enqueue = (data: JobData) => Promise<{ jobId: string; duplicate: boolean }>;

export function invalidRepository(repository: unknown): string | undefined {
  return typeof repository === "string" && isRepositoryName(repository)
    ? undefined
    : "repository full_name missing or malformed";
}

export function invalidInstallation(installationId: unknown): string | undefined {
  return typeof installationId === "number" && Number.isSafeInteger(installationId)
    ? undefined
    : "installation id missing (is the event from a GitHub App installation?)";
}

export function invalidSha(sha: unknown): string | undefined {
  return typeof sha === "string" && isCommitSha(sha) ? undefined : "head sha missing or not a 40-hex commit id";
}

export function invalidPullRequestNumber(pr: unknown): string | undefined {
  return typeof pr === "number" && Number.isSafeInteger(pr) && pr > 0
    ? undefined
    : "pull request number missing or invalid";
}

/** A pull request's facts are checked before they become job data: a malformed payload is dropped with a log line. */
export function invalidFacts(f: {
  repository?: unknown;
  sha?: unknown;
  pr?: unknown;
  installationId?: unknown;
}): string | undefined {
  return (
    invalidRepository(f.repository) ??
    invalidSha(f.sha) ??
    invalidPullRequestNumber(f.pr) ??
    invalidInstallation(f.installationId)
  );
}
