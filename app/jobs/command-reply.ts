// The one way a command job answers its comment: a first run posts the reply and remembers its id, a rerun of the
// same comment's job (retry, stalled job) edits that reply. Without a store every run posts (the old behaviour).
import type { CommandJob } from "./job-data.js";
import type { JobDeps } from "./deps.js";
import type { CommandGitHub } from "../ports/pull-requests.js";
import type { RepoRef } from "../ports/github-reporter.js";
import { commandReplyMarker } from "../core/commands/replies.js";

export async function postCommandReply(
  gh: CommandGitHub,
  repo: RepoRef,
  job: Pick<CommandJob, "repository" | "pr" | "commentId">,
  body: string,
  deps: Pick<JobDeps, "commandReplies">,
): Promise<void> {
  const text = `${commandReplyMarker(job.commentId)}\n${body}`;
  const earlier = await deps.commandReplies?.replyTo(job.repository, job.commentId);
  if (earlier !== undefined) {
    await gh.editReply(repo, earlier, text);
    return;
  }
  const id = await gh.reply(repo, job.pr, text);
  await deps.commandReplies?.remember(job.repository, job.commentId, id);
}
