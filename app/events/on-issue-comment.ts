// issue_comment.created on a pull request with at least one command line → a command job. The job parses again,
// authorizes and runs it; here only the cheap checks happen, so the webhook is answered in milliseconds.
// Edited and deleted comments are not subscribed to (index.ts): a command runs once, when it is written.
import type { Context } from "probot";
import type { Enqueue } from "./enqueue.js";
import { invalidInstallation, invalidPullRequestNumber, invalidRepository } from "./enqueue.js";
import { hasCommandLine } from "../core/commands/parse.js";

// Commands are short; a longer comment's tail is not read (and the job never carries a whole essay).
export const MAX_COMMAND_BODY = 4_000;

export function onIssueComment(enqueue: Enqueue) {
  return async (context: Context<"issue_comment.created">): Promise<void> => {
    const { payload } = context;
    if (context.isBot || payload.comment.user?.type === "Bot") {
      context.log.debug({ sender: payload.sender.login }, "ignoring a comment by a bot");
      return;
    }
    if (!payload.issue.pull_request) return; // a plain issue: no preview to act on
    const body = bounded(payload.comment.body ?? "");
    if (!hasCommandLine(body)) return;
    const problem = invalid(
      payload.repository.full_name,
      payload.issue.number,
      payload.comment.id,
      payload.installation?.id,
    );
    if (problem) {
      context.log.warn({ delivery: context.id }, `ignoring issue_comment.created: ${problem}`);
      return;
    }
    const result = await enqueue({
      kind: "command",
      repository: payload.repository.full_name,
      installationId: payload.installation!.id,
      deliveryId: context.id,
      sender: payload.comment.user?.login ?? payload.sender.login,
      receivedAt: Date.now(),
      pr: payload.issue.number,
      commentId: payload.comment.id,
      body,
      authorAssociation: payload.comment.author_association ?? "NONE",
    });
    context.log.info(
      { delivery: context.id, job: result.jobId, duplicate: result.duplicate, pr: payload.issue.number },
      "command enqueued",
    );
  };
}

// Cut at a line end: a cut inside "/scale web 30" would make it "/scale web 3".
export function bounded(body: string): string {
  return body.length <= MAX_COMMAND_BODY ? body : body.slice(0, Math.max(0, body.lastIndexOf("\n", MAX_COMMAND_BODY)));
}

function invalid(repository: unknown, pr: unknown, commentId: unknown, installationId: unknown): string | undefined {
  const badComment =
    typeof commentId !== "number" || !Number.isSafeInteger(commentId) || commentId <= 0
      ? "comment id missing or invalid"
      : undefined;
  return (
    invalidRepository(repository) ??
    (invalidPullRequestNumber(pr) && "issue number missing or invalid") ??
    badComment ??
    invalidInstallation(installationId)
  );
}
