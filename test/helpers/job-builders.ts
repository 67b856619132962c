// Job data as the handlers would enqueue it, without webhooks: defaults for acme/shop, overridable per test.
import type {
  CommandJob,
  DeployEnvironmentJob,
  DeployPreviewJob,
  SweepPreviewsJob,
  TeardownPreviewJob,
} from "../../app/jobs/job-data.js";
import type { JobContext } from "../../app/jobs/deps.js";
import type { PullRequestInfo } from "../../app/ports/pull-requests.js";
import { REPOSITORY } from "./config-builder.js";

export const SHA = "a".repeat(40);
export const SHA2 = "b".repeat(40);
export const SHA3 = "c".repeat(40);
export const INSTALLATION = 77;
export const RECEIVED_AT = Date.UTC(2026, 11, 1, 11, 59, 0);

const base = (deliveryId: string) => ({
  repository: REPOSITORY,
  installationId: INSTALLATION,
  deliveryId,
  sender: "alice",
  receivedAt: RECEIVED_AT,
});

export function ctx(jobId = "job-1", attempt = 1): JobContext {
  return { jobId, attempt };
}

export function previewJob(over: Partial<DeployPreviewJob> = {}): DeployPreviewJob {
  return {
    ...base("delivery-preview"),
    kind: "deploy-preview",
    pr: 7,
    sha: SHA,
    trusted: true,
    authorAssociation: "MEMBER",
    trigger: "pull_request",
    headRef: "feature/x",
    ...over,
  };
}

export function teardownJob(over: Partial<TeardownPreviewJob> = {}): TeardownPreviewJob {
  return { ...base("delivery-teardown"), kind: "teardown-preview", pr: 7, sha: SHA, reason: "closed", ...over };
}

export function commandJob(body: string, over: Partial<CommandJob> = {}): CommandJob {
  return {
    ...base("delivery-command"),
    kind: "command",
    pr: 7,
    commentId: 555,
    body,
    authorAssociation: "MEMBER",
    ...over,
  };
}

export function environmentJob(over: Partial<DeployEnvironmentJob> = {}): DeployEnvironmentJob {
  return {
    ...base("delivery-env"),
    kind: "deploy-environment",
    environment: "staging",
    target: { kind: "commit", sha: SHA, ref: "refs/heads/main", trigger: "push" },
    ...over,
  };
}

export function sweepJob(over: Partial<SweepPreviewsJob> = {}): SweepPreviewsJob {
  return {
    kind: "sweep-previews",
    deliveryId: "sweep-1",
    receivedAt: RECEIVED_AT,
    sender: "berth",
    ...over,
  };
}

export function pullRequest(over: Partial<PullRequestInfo> = {}): PullRequestInfo {
  return {
    number: 7,
    state: "open",
    headSha: SHA,
    baseRepository: REPOSITORY,
    headRepository: REPOSITORY,
    authorAssociation: "MEMBER",
    author: "alice",
    ...over,
  };
}
