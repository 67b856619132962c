// berth plan: what deploying a commit to an environment would change against what runs on the Swarm now —
// services added or removed, images, replicas, the commit, networks and secrets. Changes nothing.
import { formatProblems } from "../../core/config/index.js";
import { isCommitSha } from "../../core/repository.js";
import { specFromCompose } from "../../core/plan/stack-spec.js";
import { planLines, planStack } from "../../core/plan/stack-plan.js";
import { effectiveReplicas } from "../../core/commands/limits.js";
import { createRedis } from "../../adapters/redis/connection.js";
import { createReplicaStore } from "../../adapters/redis/replicas.js";
import { CliFailure, EXIT, UsageError, stringValue, type CliCommand } from "./command.js";
import { configDirOption, shaOption, sshEnvironmentNote, templatesDirOption } from "./common-options.js";
import { environmentArgument, loadConfig, repositoryArgument, withSwarm } from "./deploy-target.js";
import { kvValuesForCli } from "./discovery-access.js";
import { RenderProblems, renderEnvironment, secretPlan } from "./render-environment.js";

export const planCommand: CliCommand = {
  name: "plan",
  summary: "show what a deploy of a commit would change against what runs on the Swarm now",
  usage: "plan <owner/repo> <pr-N|staging|production> --sha SHA [--config-dir DIR] [--templates-dir DIR] [--json]",
  details: [
    "Renders the stack as a deploy would (a preview keeps the replicas /scale set, read from Redis when",
    "REDIS_URL answers) and compares it with the stack's services on the Swarm: + added, - removed, ~ changed.",
    "Secret names carry a hash of their value; without the values in this environment they show as <content-hash>.",
    sshEnvironmentNote,
  ],
  options: { ...shaOption, ...configDirOption, ...templatesDirOption },
  positionals: { min: 2, max: 2 },
  async run(ctx) {
    const repository = repositoryArgument(ctx.positionals[0]);
    const sha = stringValue(ctx, "sha");
    if (sha === undefined) throw new UsageError("--sha is required");
    if (!isCommitSha(sha))
      throw new CliFailure(`--sha must be 40 lower-case hex characters, got ${JSON.stringify(sha)}`);
    const { config, source } = await loadConfig(ctx, repository);
    const environment = environmentArgument(config, ctx.positionals[1]);
    const secrets = await secretPlan(config, environment, ctx.env, true);
    const replicas = environment.pr !== undefined ? await scaledReplicas(ctx.env, repository, environment.pr) : {};
    const kv = await kvValuesForCli(ctx.env, source, config, environment);
    let rendered;
    try {
      rendered = await renderEnvironment({
        config,
        source,
        environment,
        sha,
        secrets: secrets.names,
        replicas: effectiveReplicas(config, replicas),
        ...(kv ? { kv } : {}),
      });
    } catch (e) {
      if (!(e instanceof RenderProblems)) throw e;
      ctx.emit({ ok: false, problems: e.problems });
      ctx.err(formatProblems(e.problems));
      return EXIT.failure;
    }
    const desired = specFromCompose(environment.stack, rendered.yaml);
    const current = await withSwarm(config, (_swarm, inventory) => inventory.stackSpec(environment.stack));
    const changes = planStack(desired, current);
    ctx.say(`plan for ${repository} ${environment.name} (stack ${environment.stack}) at ${sha.slice(0, 12)}:`);
    for (const line of planLines(changes)) ctx.say(`  ${line}`);
    if (changes.length === 0) ctx.say("  no changes: the Swarm runs this already");
    if (secrets.unknown) ctx.say(`  (secret names unknown: ${secrets.unknown})`);
    ctx.emit({
      ok: true,
      repository,
      environment: environment.name,
      stack: environment.stack,
      sha,
      url: rendered.url,
      changes,
      desired,
      current,
      ...(secrets.unknown ? { secretsUnknown: secrets.unknown } : {}),
    });
    return EXIT.ok;
  },
};

// A deploy keeps what /scale set; without Redis the plan says what the config alone would do.
async function scaledReplicas(env: Record<string, string | undefined>, repository: string, pr: number) {
  const redis = createRedis(env.REDIS_URL ?? "redis://127.0.0.1:6379");
  redis.on("error", () => undefined);
  try {
    return await Promise.race([
      createReplicaStore(redis, env.BERTH_QUEUE_PREFIX ?? "berth").get(repository, pr),
      new Promise<Record<string, never>>((r) => setTimeout(() => r({}), 2000).unref()),
    ]);
  } finally {
    redis.disconnect();
  }
}
