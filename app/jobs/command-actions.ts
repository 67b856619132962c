// Runs one checked command inside the command job, which already holds the preview's lock: deploys and teardowns
// go through the same functions as PR events (so the sticky comment and check run show the new state), jobs for
// staging and production are queued for their own worker. Returns the reply text; throws CommandFailed.
import type { CommandJob, DeployPreviewJob, DeployEnvironmentJob, DeployTarget, JobResult } from "./job-data.js";
import type { JobContext, JobDeps } from "./deps.js";
import type { DeployConfig } from "../core/config/types.js";
import type { PullRequestInfo } from "../ports/pull-requests.js";
import type { CheckedCommand } from "./command-checks.js";
import { deployPreview } from "./deploy-preview.js";
import { teardownPreview } from "./teardown-preview.js";
import { previewEnvironment } from "../core/environment.js";
import { isTrusted } from "../core/policy/trust.js";
import { commandSettings } from "../core/commands/settings.js";
import { helpText } from "../core/commands/replies.js";
import { redact } from "../core/report/redact.js";
import { rollbackTarget } from "../core/release.js";
import { fenced, inline, truncate } from "../core/report/markdown.js";
import { FinalError } from "../errors.js";
import { serviceTable } from "../core/report/service-table.js";
import { refreshStickyComment } from "./status-comment.js";

export class CommandFailed extends Error {}

// The reply holds other text beside the log block; keep well inside GitHub's 65 536-character comment limit.
const LOG_BLOCK_MAX = 60_000;

export interface CommandRun {
  job: CommandJob;
  ctx: JobContext;
  deps: JobDeps;
  config: DeployConfig;
  pr: PullRequestInfo;
  /** Position in the comment: each deploy gets its own check run and deployment. */
  index: number;
}

export async function runCheckedCommand(c: CheckedCommand, run: CommandRun): Promise<string> {
  const { command } = c;
  const { job, deps, config, pr } = run;
  const stack = previewEnvironment(config.app, pr.number).stack;
  const swarm = () => deps.swarmFor(config.ssh);
  switch (command.name) {
    case "help":
      return `\n\n${helpText()}`;
    case "status": {
      const services = await swarm().stackServices(stack);
      if (services.length === 0) return `no preview is running (stack \`${stack}\` does not exist)`;
      await refreshStickyComment(run, stack, services);
      return ["", "", ...serviceTable(services)].join("\n");
    }
    case "logs": {
      const tail = command.tail ?? commandSettings(config).logTailDefault;
      // Token and key shapes are redacted here; the deploy config's secret values by the GitHub writer every reply
      // passes through (app/adapters/github/redacting-reporter.ts).
      const lines = (await swarm().serviceLogs(`${stack}_${command.service}`, tail)).map((l) => redact(l));
      if (lines.length === 0) return `\`${command.service}\` has logged nothing yet`;
      return `last ${lines.length} line${lines.length === 1 ? "" : "s"} of \`${command.service}\`:\n\n${truncate(fenced(lines), LOG_BLOCK_MAX)}`;
    }
    case "scale": {
      const store = deps.replicas;
      if (!store) throw new FinalError("this worker has no replica store; /scale cannot persist its count");
      const previous = (await store.get(job.repository, pr.number))[command.service];
      await store.set(job.repository, pr.number, command.service, {
        replicas: command.replicas,
        baseline: config.services[command.service]!.replicas,
      });
      const result = await deploy(run, pr.headSha, "scale");
      if (result.outcome !== "deployed") {
        await store.set(job.repository, pr.number, command.service, previous); // health gate failed: keep what ran
        throw new CommandFailed(
          `scaling \`${command.service}\` to ${command.replicas} did not become healthy: ${why(result)}; the preview was rolled back to what ran before`,
        );
      }
      const now = (await swarm().stackServices(stack)).find((s) => s.service === command.service);
      return `\`${command.service}\` runs ${now?.running ?? "?"}/${now?.desired ?? command.replicas} healthy replicas; later pushes keep ${command.replicas} until the config's replicas change or the PR closes`;
    }
    case "redeploy":
      return deployed(await deploy(run, pr.headSha, "redeploy"), pr.headSha);
    case "approve": {
      await deps.approvals.approve(job.repository, pr.number, pr.headSha, job.sender);
      return `approved \`${pr.headSha.slice(0, 7)}\` (a new push needs a new /approve); ${deployed(await deploy(run, pr.headSha, "approve"), pr.headSha)}`;
    }
    case "rollback": {
      if (command.environment) {
        // Refuse a release that is not in the history now, rather than queue a job that can only fail later.
        if (deps.releases) {
          const found = rollbackTarget(await deps.releases.history(job.repository, command.environment), {
            sha: command.sha,
          });
          if ("error" in found) throw new CommandFailed(`rollback of ${command.environment}: ${inline(found.error)}`);
        }
        return queueEnvironment(
          run,
          command.environment,
          command.sha ? { kind: "release-of-commit", sha: command.sha } : { kind: "previous-release" },
        );
      }
      return deployed(await deploy(run, c.rollbackSha!, "redeploy"), c.rollbackSha!);
    }
    case "deploy":
      return queueEnvironment(
        run,
        command.environment,
        command.environment === "staging"
          ? { kind: "commit", sha: pr.headSha, ref: "", trigger: "command" }
          : { kind: "promote-staging" },
      );
    case "destroy": {
      const result = await teardownPreview(
        {
          kind: "teardown-preview",
          repository: job.repository,
          installationId: job.installationId,
          deliveryId: `${job.deliveryId}:${run.index}`,
          sender: job.sender,
          receivedAt: job.receivedAt,
          pr: pr.number,
          sha: pr.headSha,
          reason: "destroyed",
        },
        { jobId: `${run.ctx.jobId}:${run.index}`, attempt: run.ctx.attempt },
        deps,
      );
      if (result.outcome !== "torn-down") throw new CommandFailed(`the preview was not removed: ${why(result)}`);
      return `preview \`${stack}\` removed; push or /redeploy to deploy it again`;
    }
  }
}

function deploy(run: CommandRun, sha: string, trigger: NonNullable<DeployPreviewJob["trigger"]>): Promise<JobResult> {
  const { job, pr } = run;
  const data: DeployPreviewJob = {
    kind: "deploy-preview",
    repository: job.repository,
    installationId: job.installationId,
    deliveryId: `${job.deliveryId}:${run.index}`,
    sender: job.sender,
    receivedAt: job.receivedAt,
    pr: pr.number,
    sha,
    trusted: isTrusted({
      baseRepository: pr.baseRepository,
      headRepository: pr.headRepository,
      authorAssociation: pr.authorAssociation,
    }),
    authorAssociation: pr.authorAssociation,
    trigger,
  };
  return deployPreview(data, { jobId: `${run.ctx.jobId}:${run.index}`, attempt: run.ctx.attempt }, run.deps);
}

function deployed(result: JobResult, sha: string): string {
  if (result.outcome !== "deployed") throw new CommandFailed(`deploy of \`${sha.slice(0, 7)}\` failed: ${why(result)}`);
  return `\`${sha.slice(0, 7)}\` is live at ${result.url}`;
}

function why(result: JobResult): string {
  return "reason" in result ? inline(result.reason) : result.outcome;
}

async function queueEnvironment(
  run: CommandRun,
  environment: "staging" | "production",
  target: CommandTarget,
): Promise<string> {
  const { job } = run;
  const data: DeployEnvironmentJob = {
    kind: "deploy-environment",
    repository: job.repository,
    installationId: job.installationId,
    deliveryId: `${job.deliveryId}:${run.index}`,
    sender: job.sender,
    receivedAt: Date.now(),
    environment,
    target,
    pr: run.pr.number,
  };
  const { jobId, duplicate } = await run.deps.enqueue(data);
  const what = describeQueued(environment, target);
  return `${what} queued (job ${jobId}${duplicate ? ", already queued" : ""}); its check run and deployment report the outcome`;
}

/** What `/deploy` and `/rollback` queue: a known commit, a promotion, or a rollback by commit or to the previous one. */
type CommandTarget = Extract<
  DeployTarget,
  { kind: "commit" | "promote-staging" | "release-of-commit" | "previous-release" }
>;

function describeQueued(environment: "staging" | "production", target: CommandTarget): string {
  switch (target.kind) {
    case "release-of-commit":
      return `rollback of ${environment} to \`${target.sha.slice(0, 7)}\``;
    case "previous-release":
      return `rollback of ${environment} to the previous release`;
    case "promote-staging":
      return "promotion of staging to production";
    case "commit":
      return `deploy of \`${target.sha.slice(0, 7)}\` to ${environment}`;
  }
}
