// The policies a preview deploy passes before anything reaches the Swarm: the approval gate for untrusted code,
// the cap on live previews (refuse or evict the least recently active), and the secret names the render mounts.
import type { DeployPreviewJob } from "./job-data.js";
import type { JobDeps } from "./deps.js";
import type { DeployConfig } from "../core/config/types.js";
import type { EnvironmentRef } from "../core/environment-types.js";
import type { LiveEnvironment } from "../ports/swarm.js";
import { TRUSTED_ASSOCIATIONS } from "../core/policy/trust.js";
import { addUsage, NO_USAGE, totalUsage, type Usage } from "../core/policy/quotas.js";
import { secretSwarmName } from "../core/secret-names.js";
import { FinalError } from "../errors.js";

const APPROVERS = "someone with write, maintain or admin permission";

/** Undefined when the job may deploy; otherwise what the check run says about who may approve and how. */
export async function approvalWaiting(job: DeployPreviewJob, deps: JobDeps): Promise<string | undefined> {
  // A pull_request event says; a deploy a command queued may not know, and then the PR's last event decides.
  if (job.trusted !== undefined) await deps.trust?.remember(job.repository, job.pr, job.trusted);
  const untrusted =
    job.trusted === false ||
    (job.trusted === undefined && (await deps.trust?.isUntrusted(job.repository, job.pr)) === true);
  if (!untrusted) return undefined;
  if (await deps.approvals.approvalOf(job.repository, job.pr, job.sha)) return undefined;
  // The note is markdown shown as is: only GitHub's association keywords get into it, nothing a PR author typed.
  const association = /^[A-Z_]{1,40}$/.test(job.authorAssociation ?? "") ? job.authorAssociation! : undefined;
  const who =
    association && !TRUSTED_ASSOCIATIONS.includes(association)
      ? `its author is ${association} (not an owner, member or collaborator)`
      : "it comes from a fork";
  return (
    `This pull request is untrusted: ${who}. Nothing is deployed and no secrets are used until ${APPROVERS} on ` +
    `${job.repository} approves commit ${job.sha.slice(0, 7)} by commenting \`/approve\` (or \`/berth approve\`) on this PR. ` +
    `An approval covers that commit only: a new push needs a new approval.`
  );
}

export type CapDecision = { ok: true; evict?: number } | { ok: false; reason: string; note: string };

/** A preview that is not live yet counts against preview.maxLive; live ones are counted on the Swarm. */
export async function previewCap(
  config: DeployConfig,
  environment: EnvironmentRef,
  live: LiveEnvironment[],
  deps: JobDeps,
): Promise<CapDecision> {
  const max = config.preview.maxLive ?? 0;
  if (max === 0 || live.some((e) => e.environment === environment.name)) return { ok: true };
  const previews = live.filter((e) => /^pr-\d+$/.test(e.environment));
  if (previews.length < max) return { ok: true };
  const names = previews.map((e) => e.environment).join(", ");
  if ((config.preview.onCap ?? "refuse") === "refuse") {
    return {
      ok: false,
      reason: `preview cap reached (${previews.length} of ${max} live)`,
      note: `${config.repository} allows ${max} live preview${max === 1 ? "" : "s"} (preview.maxLive) and ${names} ${previews.length === 1 ? "is" : "are"} running. Close one of those PRs, or raise preview.maxLive / set preview.onCap: evict-lru, then push or comment /redeploy.`,
    };
  }
  // Least recently active first; a preview without a record (deployed before activity was kept) counts as oldest.
  const activity = (await deps.activity?.ofRepository(config.repository)) ?? new Map();
  const lru = [...previews].sort(
    (a, b) => (activity.get(a.environment)?.at ?? 0) - (activity.get(b.environment)?.at ?? 0),
  )[0]!;
  return { ok: true, evict: Number(lru.environment.slice(3)) };
}

/** What the repository's other live environments use, for the repository quota. */
export function otherUsage(live: LiveEnvironment[], environment: EnvironmentRef): Usage {
  return live
    .filter((e) => e.environment !== environment.name)
    .reduce((sum, e) => addUsage(sum, totalUsage(e.services)), NO_USAGE);
}

/** Config secret name → value and → content-hashed Swarm name. */
export async function previewSecrets(
  config: DeployConfig,
  environment: EnvironmentRef,
  deps: JobDeps,
): Promise<{ values: Record<string, string>; names: Record<string, string> }> {
  if (Object.keys(config.secrets ?? {}).length === 0) return { values: {}, names: {} };
  if (!deps.secrets)
    throw new FinalError(`${config.file} declares secrets but this Berth process has no secret source`);
  const values = await deps.secrets.valuesFor(config);
  const names = Object.fromEntries(
    Object.entries(values).map(([name, value]) => [name, secretSwarmName(environment.stack, name, value)]),
  );
  return { values, names };
}
