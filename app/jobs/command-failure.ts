// A command job that gave up (GitHub or Redis unreachable through every retry) still answers the comment: 😕 and a
// reply with the error, so the commenter is not left waiting for a command that will never run.
import type { CommandJob } from "./job-data.js";
import type { JobDeps } from "./deps.js";
import { postCommandReply } from "./command-reply.js";
import { inline } from "../core/report/markdown.js";
import { redact } from "../core/report/redact.js";
import { repoRef } from "../core/repository.js";

export async function reportCommandFailure(data: CommandJob, jobId: string, err: Error, deps: JobDeps): Promise<void> {
  const log = deps.log.child({ job: jobId, repository: data.repository, pr: data.pr, comment: data.commentId });
  try {
    if (!deps.commandGitHubFor) throw new Error("no GitHub client for commands");
    const gh = await deps.commandGitHubFor(data.installationId);
    const repo = repoRef(data.repository);
    await gh.react(repo, data.commentId, "confused");
    await postCommandReply(
      gh,
      repo,
      data,
      `😕 The command could not run: ${inline(redact(err.message))}. Try again in a while; an admin can find job ${jobId} in Berth's log.`,
      deps,
    );
  } catch (reportErr) {
    log.error({ err: reportErr, original: err.message }, "could not report a failed command to GitHub");
  }
}
