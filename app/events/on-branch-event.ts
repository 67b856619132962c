// Branch GitOps events → deploy-environment jobs. push to the staging branch → staging; push of a tag matching the
// production pattern, or a published release → production; a completed check suite / workflow run → re-evaluate
// the deploys waiting for CI of that commit. Facts only: which environment a ref maps to is read from the deploy
// config (local files), because a push to another branch must not queue a staging job (it would supersede a real one).
import type { Context } from "probot";
import type { Enqueue } from "./enqueue.js";
import type { ConfigSource } from "../ports/config-source.js";
import type { DeployEnvironmentJob } from "../jobs/job-data.js";
import { invalidInstallation, invalidRepository, invalidSha } from "./enqueue.js";
import { environmentForRef } from "../core/branch-deploy.js";

type Base = Pick<DeployEnvironmentJob, "repository" | "installationId" | "sender" | "receivedAt">;

// A branch event names no pull request; a published release names a tag, not a commit, so it passes no SHA.
function baseFacts(
  context: Context,
  payload: { repository?: { full_name?: string }; installation?: { id?: number }; sender?: { login?: string } },
  sha?: string,
): Base | undefined {
  const repository = payload.repository?.full_name;
  const installationId = payload.installation?.id;
  const problem =
    invalidRepository(repository) ??
    (sha === undefined ? undefined : invalidSha(sha)) ??
    invalidInstallation(installationId);
  if (problem) {
    context.log.warn({ delivery: context.id }, `ignoring ${context.name}: ${problem}`);
    return undefined;
  }
  return {
    repository: repository!,
    installationId: installationId!,
    sender: payload.sender?.login ?? "unknown",
    receivedAt: Date.now(),
  };
}

export function onPush(enqueue: Enqueue, configs?: ConfigSource) {
  return async (context: Context<"push">): Promise<void> => {
    const p = context.payload;
    if (p.deleted || /^0+$/.test(p.after)) return;
    // An annotated tag's `after` is the tag object; head_commit is the commit it points at.
    const sha = p.head_commit?.id ?? p.after;
    const base = baseFacts(context, p, sha);
    if (!base) return;
    const entry = await configs?.forRepository(base.repository);
    const fallback = p.ref === `refs/heads/${p.repository.default_branch}` ? "staging" : undefined;
    const environment = entry?.config ? environmentForRef(entry.config, p.ref) : entry ? fallback : undefined;
    if (!environment) return;
    const result = await enqueue({
      ...base,
      kind: "deploy-environment",
      environment,
      target: { kind: "commit", sha, ref: p.ref, trigger: p.ref.startsWith("refs/tags/") ? "tag" : "push" },
      deliveryId: context.id,
    });
    context.log.info({ delivery: context.id, job: result.jobId, environment, ref: p.ref }, "enqueued");
  };
}

export function onReleasePublished(enqueue: Enqueue) {
  return async (context: Context<"release.published">): Promise<void> => {
    const p = context.payload;
    const base = baseFacts(context, p);
    if (!base || !/^[A-Za-z0-9._/-]{1,200}$/.test(p.release.tag_name)) return;
    const result = await enqueue({
      ...base,
      kind: "deploy-environment",
      environment: "production",
      target: { kind: "tag", tag: p.release.tag_name },
      deliveryId: context.id,
    });
    context.log.info({ delivery: context.id, job: result.jobId, tag: p.release.tag_name }, "enqueued");
  };
}

export function onCiCompleted(enqueue: Enqueue) {
  return async (context: Context<"check_suite.completed" | "workflow_run.completed">): Promise<void> => {
    const p = context.payload;
    const sha = "check_suite" in p ? p.check_suite.head_sha : p.workflow_run.head_sha;
    const base = baseFacts(context, p, sha);
    if (!base) return;
    for (const environment of ["staging", "production"] as const) {
      await enqueue({
        ...base,
        kind: "deploy-environment",
        environment,
        target: { kind: "ci-completed", sha },
        deliveryId: `${context.id}-${environment}`,
      });
    }
    context.log.info({ delivery: context.id, sha: sha.slice(0, 7) }, "CI completed: waiting deploys re-evaluated");
  };
}
