// A slash command from a PR comment: parse (pure, strict) → the commenter's role → checks against the config and
// the rendered stack → 👀 → run, inside the preview's lock → 🚀 or 😕 and a reply. A comment runs whole or not at
// all: one refused line and nothing of it executes.
import { recordActivity } from "./record-activity.js";
import type { CommandJob, JobResult } from "./job-data.js";
import type { JobContext, JobDeps } from "./deps.js";
import type { CommandGitHub } from "../ports/pull-requests.js";
import type { RepoRef } from "../ports/github-reporter.js";
import { parseComment, type ParsedLine } from "../core/commands/parse.js";
import { authorize } from "../core/commands/authorize.js";
import { commandSettings } from "../core/commands/settings.js";
import { helpText, parseRefusal, refusal, resultReply, tooManyCommands } from "../core/commands/replies.js";
import { MAX_COMMAND_LINES } from "../core/commands/hostile-lines.js";
import { postCommandReply } from "./command-reply.js";
import { formatProblems } from "../core/config/index.js";
import { redact } from "../core/report/redact.js";
import { inline } from "../core/report/markdown.js";
import { checkCommands } from "./command-checks.js";
import { CommandFailed, runCheckedCommand } from "./command-actions.js";
import { FinalError } from "../errors.js";
import { repoRef } from "../core/repository.js";

type Accepted = Extract<ParsedLine, { ok: true }>;

export async function runCommand(job: CommandJob, ctx: JobContext, deps: JobDeps): Promise<JobResult> {
  const log = deps.log.child({
    job: ctx.jobId,
    repository: job.repository,
    pr: job.pr,
    comment: job.commentId,
    sender: job.sender,
  });
  const parsed = parseComment(job.body);
  if (parsed.length === 0) return { outcome: "skipped", reason: "no command line in the comment" };
  const entry = await deps.configs.forRepository(job.repository);
  // Berth is not set up for this repository: another bot may own these commands, so stay silent.
  if (!entry) return { outcome: "skipped", reason: "no deploy config" };
  await recordActivity(job, deps);
  if (!deps.commandGitHubFor) throw new FinalError("this worker was started without a GitHub client for commands");
  const gh = await deps.commandGitHubFor(job.installationId);
  const repo = repoRef(job.repository);
  // A "no" before anything ran is a refusal; a command that ran and failed is a failure (the audit tells them apart).
  const answer = (ok: boolean, body: string, refused = !ok) => finish(gh, repo, job, ok, body, deps, refused);

  const config = entry.config;
  if (!config)
    return answer(
      false,
      `😕 The deploy config for this repository is invalid, so no command runs until it is fixed:\n\n\`\`\`text\n${formatProblems(entry.problems)}\n\`\`\``,
    );
  const settings = commandSettings(config);
  if (!settings.enabled) return { outcome: "skipped", reason: "commands disabled in config" };

  if (parsed.length > MAX_COMMAND_LINES) {
    log.info({ lines: parsed.length }, "command refused: too many command lines");
    return answer(false, tooManyCommands(parsed.length));
  }
  const unparsed = parsed.filter((p): p is Extract<ParsedLine, { ok: false }> => !p.ok);
  if (unparsed.length > 0) {
    log.info({ lines: unparsed.map((p) => p.message) }, "command refused: does not parse");
    return answer(false, parseRefusal(unparsed));
  }
  const commands = parsed as Accepted[];
  const permission = await gh.permissionOf(repo, job.sender);
  const denied = commands
    .map((c) => ({ line: c.line, decision: authorize(c.command, permission, settings) }))
    .flatMap((d) => (d.decision.allowed ? [] : [{ line: d.line, message: d.decision.message }]));
  if (denied.length > 0) {
    log.info({ permission, denied }, "command refused: role");
    return answer(false, refusal(`@${job.sender} may not run this; nothing was run:`, denied));
  }
  if (commands.every((c) => c.command.name === "help")) return answer(true, helpText());

  const pr = await gh.pullRequest(repo, job.pr);
  const { checked, problems } = await checkCommands({
    commands,
    config,
    pr,
    repository: job.repository,
    repo,
    gh,
    deps,
  });
  if (problems.length > 0) {
    log.info({ problems }, "command refused: checks");
    return answer(false, refusal("Refused; nothing was run:", problems));
  }

  // 👀 goes out beside the work, not in front of it: GitHub's write spacing would delay the deploy by a second.
  const accepted = gh.react(repo, job.commentId, "eyes");
  accepted.catch(() => undefined); // awaited below; a failure is reported there
  const results: { line: string; text: string }[] = [];
  let ok = true;
  for (const [index, c] of checked.entries()) {
    try {
      results.push({ line: c.line, text: await runCheckedCommand(c, { job, ctx, deps, config, pr, index }) });
    } catch (err) {
      ok = false;
      const message =
        err instanceof CommandFailed ? err.message : inline(redact(err instanceof Error ? err.message : String(err)));
      log.warn({ err, line: c.line }, "command failed");
      results.push({ line: c.line, text: message });
      const rest = checked.slice(index + 1);
      for (const skipped of rest)
        results.push({ line: skipped.line, text: "not run: an earlier command of this comment failed" });
      break;
    }
  }
  await accepted;
  log.info({ ok, commands: checked.map((c) => c.line) }, "commands ran");
  return answer(ok, resultReply(ok, results), false);
}

async function finish(
  gh: CommandGitHub,
  repo: RepoRef,
  job: CommandJob,
  ok: boolean,
  body: string,
  deps: JobDeps,
  refused: boolean,
): Promise<JobResult> {
  await gh.react(repo, job.commentId, ok ? "rocket" : "confused");
  await postCommandReply(gh, repo, job, body, deps);
  if (ok) return { outcome: "done", detail: "commands ran" };
  const reason = body.split("\n")[0]!.slice(0, 200);
  return refused ? { outcome: "failed", reason, refused: true } : { outcome: "failed", reason };
}
