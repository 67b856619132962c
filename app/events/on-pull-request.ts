// pull_request opened/synchronize/reopened → deploy the head SHA; closed → tear down. Facts only go to the queue.
import type { Context } from "probot";
import type { Enqueue } from "./enqueue.js";
import { invalidFacts } from "./enqueue.js";
import { isTrusted } from "../core/policy/trust.js";

type PullRequestContext = Context<
  "pull_request.opened" | "pull_request.synchronize" | "pull_request.reopened" | "pull_request.closed"
>;

export function onPullRequest(enqueue: Enqueue) {
  return async (context: PullRequestContext): Promise<void> => {
    if (context.isBot) {
      context.log.debug({ sender: context.payload.sender.login }, "ignoring event sent by a bot");
      return;
    }
    const { payload } = context;
    const facts = {
      repository: payload.repository.full_name,
      installationId: payload.installation?.id,
      pr: payload.pull_request.number,
      sha: payload.pull_request.head.sha,
    };
    const problem = invalidFacts(facts);
    if (problem) {
      context.log.warn({ delivery: context.id }, `ignoring pull_request.${payload.action}: ${problem}`);
      return;
    }
    const base = {
      repository: facts.repository,
      installationId: facts.installationId!,
      pr: facts.pr,
      sha: facts.sha,
      deliveryId: context.id,
      sender: payload.sender.login,
      receivedAt: Date.now(),
    };
    const result =
      payload.action === "closed"
        ? await enqueue({
            ...base,
            kind: "teardown-preview",
            reason: payload.pull_request.merged ? "merged" : "closed",
          })
        : await enqueue({ ...base, kind: "deploy-preview", ...origin(payload) });
    context.log.info(
      { delivery: context.id, job: result.jobId, duplicate: result.duplicate, action: payload.action },
      "enqueued",
    );
  };
}

// Forks and outside authors are untrusted: their code waits for an /approve of the exact SHA (see core/policy/trust).
function origin(payload: PullRequestContext["payload"]): {
  trusted: boolean;
  authorAssociation: string;
  headRef: string;
} {
  const pr = payload.pull_request;
  const authorAssociation = String(pr.author_association ?? "NONE");
  const trusted = isTrusted({
    baseRepository: payload.repository.full_name,
    headRepository: pr.head.repo?.full_name ?? null,
    authorAssociation,
  });
  return { trusted, authorAssociation, headRef: String(pr.head.ref ?? "").slice(0, 255) };
}
