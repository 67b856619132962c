// Step three of a branch deploy: the stack to apply. A rollback restores a recorded release byte for byte; any other
// deploy renders the commit, builds its image from source (staging with build.enabled) and, in production, pins the
// images staging ran healthy for this very commit: promotion is never a rebuild.
import type { EdgeRoute } from "../core/routing/edge-route.js";
import type { Logger } from "pino";
import type { JobDeps } from "./deps.js";
import type { DeployCommit } from "./environment-target.js";
import type { DeployTarget } from "./job-data.js";
import type { ConfigProblem, DeployConfig } from "../core/config/types.js";
import type { EnvironmentRef } from "../core/environment-types.js";
import type { Release } from "../core/release.js";
import { rollbackTarget } from "../core/release.js";
import { renderFromTemplate } from "./render-from-template.js";
import { kvValuesFor } from "./kv-values.js";
import { localOnlyImages, pinImages, setImages } from "../core/render/pin-images.js";
import { buildFromSource } from "./build-from-source.js";
import { configProblemsFrom } from "./config-problems.js";
import { previewSecrets } from "./preview-policies.js";

/** What the apply step deploys and probes. */
export interface ReleasePlan {
  yaml: string;
  hash: string;
  url: string;
  probeUrl: string;
  /** A rollback: the id of the release it restores. */
  restoredFrom?: string;
  /** caddy mode, from a fresh render (a rollback's route follows from the config): the edge route and probe. */
  routing?: { edgeRoute?: EdgeRoute; probeConnectTo?: string };
}

export type Planned =
  | { kind: "ready"; plan: ReleasePlan }
  | { kind: "failed"; reason: string }
  | { kind: "config-error"; problems: ConfigProblem[]; reason: string };

export type RollbackPlanned =
  { kind: "ready"; plan: ReleasePlan; release: Release } | { kind: "failed"; reason: string };

/** The release a rollback restores: by id, by commit (or prefix), or the newest one of another commit. */
export function planRollback(
  history: readonly Release[],
  environment: string,
  target: Extract<DeployTarget, { kind: "release" | "release-of-commit" | "previous-release" }>,
): RollbackPlanned {
  const found = rollbackTarget(
    history,
    target.kind === "release"
      ? { releaseId: target.releaseId }
      : target.kind === "release-of-commit"
        ? { sha: target.sha }
        : {},
  );
  if ("error" in found) return { kind: "failed", reason: `rollback of ${environment}: ${found.error}` };
  const { yaml, hash, url, probeUrl, id } = found;
  return { kind: "ready", plan: { yaml, hash, url, probeUrl, restoredFrom: id }, release: found };
}

export async function planRelease(args: {
  commit: DeployCommit;
  config: DeployConfig;
  environment: EnvironmentRef;
  /** Staging's history (production promotes from it). */
  stagingHistory: readonly Release[];
  repository: string;
  installationId: number;
  deps: JobDeps;
  log: Logger;
  /** Called before a build from source starts, so the report can say so. */
  onBuilding(): void;
}): Promise<Planned> {
  const { commit, config, environment, deps } = args;
  let rendered;
  // Outside the config-error path: a registry that cannot be read is an outage to retry, not a config to fix.
  const kv = await kvValuesFor(deps, config, environment);
  try {
    // Names only (content-hashed): the values are read again when the secrets are created, never kept in a plan.
    const secrets = (await previewSecrets(config, environment, deps)).names;
    rendered = await renderFromTemplate(deps.configs, {
      config,
      environment,
      sha: commit.sha,
      secrets,
      ...(kv ? { kv } : {}),
    });
  } catch (err) {
    return {
      kind: "config-error",
      problems: configProblemsFrom(err, config.file),
      reason: "stack could not be rendered",
    };
  }
  const plan: ReleasePlan = {
    yaml: rendered.yaml,
    hash: rendered.hash,
    url: rendered.url,
    probeUrl: rendered.probeUrl,
    routing: {
      ...(rendered.edgeRoute ? { edgeRoute: rendered.edgeRoute } : {}),
      ...(rendered.probeConnectTo ? { probeConnectTo: rendered.probeConnectTo } : {}),
    },
  };
  if (environment.kind === "staging" && config.build.enabled) return buildImage(plan, args);
  if (environment.kind === "production") return pinStagedImages(plan, args);
  return { kind: "ready", plan };
}

async function buildImage(plan: ReleasePlan, args: Parameters<typeof planRelease>[0]): Promise<Planned> {
  const { commit, config } = args;
  args.onBuilding();
  try {
    const built = await buildFromSource({
      repository: args.repository,
      installationId: args.installationId,
      sha: commit.sha,
      config,
      deps: args.deps,
      log: args.log,
    });
    return { kind: "ready", plan: { ...plan, ...setImages(plan.yaml, { [built.service]: built.image }) } };
  } catch (err) {
    return {
      kind: "failed",
      reason: `building ${config.app}:${commit.sha.slice(0, 7)} from source failed: ${(err as Error).message}`,
    };
  }
}

async function pinStagedImages(plan: ReleasePlan, args: Parameters<typeof planRelease>[0]): Promise<Planned> {
  const { commit, config, stagingHistory } = args;
  // A rollback on staging restored these images too, but a release of the commit proper is preferred.
  const staged =
    stagingHistory.find((r) => r.sha === commit.sha && r.trigger !== "rollback") ??
    stagingHistory.find((r) => r.sha === commit.sha);
  if (!staged)
    return {
      kind: "failed",
      reason: `${commit.sha.slice(0, 7)} never ran healthy on staging, so there is no tested image to promote; push it to ${config.staging.branch} first`,
    };
  // A local image ID exists on the manager only: on a multi-node Swarm the other nodes could not run it.
  const multiNode = localOnlyImages(staged.images, (await args.deps.swarmFor(config.ssh).nodeCount?.()) ?? 1);
  if (multiNode) return { kind: "failed", reason: multiNode };
  return { kind: "ready", plan: { ...plan, ...pinImages(plan.yaml, staged.images) } };
}
