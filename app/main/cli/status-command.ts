// berth status: the environments that live on the Swarm now, read from the berth.* labels of the services (the
// Swarm is the truth: an environment Redis forgot still shows, one removed by hand does not).
import type { DeployConfig } from "../../core/config/types.js";
import type { LiveEnvironmentState } from "../../ports/swarm-inventory.js";
import { ROLLBACK_STATES } from "../../ports/swarm.js";
import { environmentNamed } from "../../core/environment-name.js";
import { routeFor } from "../../core/render/routing.js";
import { EXIT, type CliCommand } from "./command.js";
import { configDirOption, sshEnvironmentNote } from "./common-options.js";
import { loadAllConfigs, loadConfig, repositoryArgument, withSwarm } from "./deploy-target.js";

export type Health = "healthy" | "converging" | "failing";

export function healthOf(env: LiveEnvironmentState): Health {
  if (env.services.some((s) => ROLLBACK_STATES.has(s.updateState ?? "") || s.updateState === "paused"))
    return "failing";
  const done = env.services.every(
    (s) => s.running === s.desired && (s.updateState === undefined || s.updateState === "completed"),
  );
  return done ? "healthy" : "converging";
}

function urlOf(configs: DeployConfig[], env: LiveEnvironmentState): string | undefined {
  const config = configs.find((c) => c.repository.toLowerCase() === env.repository.toLowerCase());
  if (!config) return undefined;
  try {
    const pub = Object.values(config.services).find((s) => s.public);
    return routeFor(config, environmentNamed(config.app, env.environment), pub?.healthPath ?? "/").url;
  } catch {
    return undefined;
  }
}

export function ageOf(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (!Number.isFinite(s)) return "?";
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172_800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}

export const statusCommand: CliCommand = {
  name: "status",
  summary: "list the environments live on the Swarm (read from service labels): SHA, replicas, health, URL",
  usage: "status [owner/repo] [--config-dir DIR] [--json]",
  details: [
    "Without a repository, asks every Swarm manager the deploy configs name (each once) for every Berth service.",
    "health: healthy (every service runs its desired replicas), converging, or failing (Swarm rolled back/paused).",
    sshEnvironmentNote,
  ],
  options: { ...configDirOption },
  positionals: { min: 0, max: 1 },
  async run(ctx) {
    const repository = ctx.positionals[0] === undefined ? undefined : repositoryArgument(ctx.positionals[0]);
    const configs = repository ? [(await loadConfig(ctx, repository)).config] : await loadAllConfigs(ctx);
    const managers = new Map<string, DeployConfig>();
    for (const c of configs) managers.set(`${c.ssh.user}@${c.ssh.host}:${c.ssh.port}`, c);
    const found: LiveEnvironmentState[] = [];
    for (const config of managers.values()) {
      found.push(...(await withSwarm(config, (_s, inventory) => inventory.environments(repository))));
    }
    const now = Date.now();
    const environments = found.map((e) => ({ ...e, health: healthOf(e), url: urlOf(configs, e) }));
    if (environments.length === 0)
      ctx.say(repository ? `no live environments of ${repository}` : "no live environments");
    for (const e of environments) {
      const replicas = e.services.map((s) => `${s.service} ${s.running}/${s.desired}`).join(", ");
      ctx.say(
        `${e.repository} ${e.environment}  ${e.health}  ${e.sha?.slice(0, 12) ?? "-"}  ${replicas}  age ${ageOf(e.createdAt, now)}` +
          `${e.url ? `  ${e.url}` : ""}`,
      );
    }
    ctx.emit({ ok: true, environments });
    return EXIT.ok;
  },
};
