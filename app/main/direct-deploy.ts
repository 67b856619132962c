// Deploy one environment without the bot: the path a job takes after its gates — secrets, render, stack deploy,
// wait for the new spec, probe, recover on failure — with no queue, no Redis and no GitHub writes. The deploy
// Action runs it; serialising deploys of one environment is then the workflow's `concurrency:` group's job.
import { pino, type Logger } from "pino";
import type { DeployConfig } from "../core/config/types.js";
import type { EnvironmentRef } from "../core/environment-types.js";
import type { ConfigProblem } from "../core/config/types.js";
import type { ConfigSource } from "../ports/config-source.js";
import type { ServiceStatus, TaskProblem } from "../ports/swarm.js";
import type { EnvironmentView } from "../core/report/view-model.js";
import { systemClock } from "../ports/clock.js";
import { createHttpProbe } from "../adapters/http-probe.js";
import { createSshPool } from "../adapters/ssh/pool.js";
import { createSshSwarm } from "../adapters/swarm/ssh-swarm.js";
import { nodeHelperFrom } from "./env.js";
import { KnownSecrets } from "../adapters/secrets/known-secrets.js";
import { applyStack } from "../jobs/apply-stack.js";
import { RenderProblems, renderEnvironment, secretPlan } from "./cli/render-environment.js";

export interface DirectDeployResult {
  status: "deployed" | "failed";
  stack: string;
  url?: string;
  reason?: string;
  configProblems?: ConfigProblem[];
  services: ServiceStatus[];
  problems?: TaskProblem[];
  logs?: Record<string, string[]>;
  durationMs: number;
}

export async function directDeploy(args: {
  config: DeployConfig;
  source: ConfigSource;
  environment: EnvironmentRef;
  sha: string;
  variables: Record<string, string | undefined>;
  log?: Logger;
  /** Told each secret value before anything can print it (the Action masks them). */
  onSecret?: (value: string) => void;
  onPhase?: (view: EnvironmentView) => void;
}): Promise<DirectDeployResult> {
  const { config, environment } = args;
  const log = args.log ?? pino({ level: "silent" });
  const startedAt = Date.now();
  const settings = environment.kind === "preview" ? config.preview : config[environment.kind];
  const known = new KnownSecrets();
  const secrets = await secretPlan(config, environment, args.variables, true, known);
  const failed = (reason: string, extra: Partial<DirectDeployResult> = {}): DirectDeployResult => ({
    status: "failed",
    stack: environment.stack,
    reason: known.text(reason),
    services: [],
    durationMs: Date.now() - startedAt,
    ...extra,
  });
  if (secrets.unknown) return failed(secrets.unknown);
  for (const value of Object.values(secrets.values)) args.onSecret?.(value);

  let rendered;
  try {
    rendered = await renderEnvironment({ ...args, secrets: secrets.names });
  } catch (e) {
    if (!(e instanceof RenderProblems)) throw e;
    return failed(`invalid deploy config (${e.problems.length} problems)`, { configProblems: e.problems });
  }
  const view: EnvironmentView = {
    repository: config.repository,
    app: config.app,
    environment: environment.name,
    stack: environment.stack,
    ...(environment.pr !== undefined ? { pr: environment.pr } : {}),
    sha: args.sha,
    phase: "rendering",
    services: [],
    startedAt,
    url: rendered.url,
  };
  const pool = createSshPool({ log });
  try {
    const swarm = createSshSwarm(config.ssh, pool, nodeHelperFrom(process.env));
    for (const [name, swarmName] of Object.entries(secrets.names)) {
      await swarm.ensureSecret(swarmName, secrets.values[name]!, {
        "berth.repository": config.repository,
        "berth.environment": environment.name,
        "berth.stack": environment.stack,
      });
    }
    let lastPhase = "";
    const { healthy } = await applyStack({
      swarm,
      probe: createHttpProbe(systemClock),
      clock: systemClock,
      log,
      stack: environment.stack,
      yaml: rendered.yaml,
      probeUrl: rendered.probeUrl,
      deadline: startedAt + settings.healthTimeoutSeconds * 1000,
      healthTimeoutSeconds: settings.healthTimeoutSeconds,
      maxFailedTasks: settings.maxFailedTasks,
      view,
      update: (v) => {
        if (v.phase !== lastPhase) args.onPhase?.(v);
        lastPhase = v.phase;
      },
    });
    if (!healthy) {
      const logs = Object.fromEntries(
        Object.entries(view.logs ?? {}).map(([k, v]) => [k, v.map((l) => known.text(l))]),
      );
      return failed(view.reason ?? "deploy failed", {
        url: rendered.url,
        services: view.services,
        ...(view.problems ? { problems: view.problems } : {}),
        logs,
      });
    }
    await swarm.removeStackSecrets(environment.stack, Object.values(secrets.names));
    return {
      status: "deployed",
      stack: environment.stack,
      url: rendered.url,
      services: view.services,
      durationMs: Date.now() - startedAt,
    };
  } finally {
    await pool.closeAll();
  }
}
