// What most commands start from: the repository's deploy config (from the bot's config directory, with the same
// ${VAR} interpolation), the environment it names, and a connection to its Swarm manager.
import { pino } from "pino";
import type { DeployConfig } from "../../core/config/types.js";
import type { EnvironmentRef } from "../../core/environment-types.js";
import type { ConfigSource } from "../../ports/config-source.js";
import type { SwarmPort } from "../../ports/swarm.js";
import type { SwarmInventory } from "../../ports/swarm-inventory.js";
import { formatProblems, indexConfigs } from "../../core/config/index.js";
import { environmentNamed } from "../../core/environment-name.js";
import { isRepositoryName } from "../../core/repository.js";
import { createFileConfigSource } from "../../adapters/config/file-config-source.js";
import { readConfigFiles } from "../../adapters/config/read-config-files.js";
import { createSshPool } from "../../adapters/ssh/pool.js";
import { createSshSwarm } from "../../adapters/swarm/ssh-swarm.js";
import { nodeHelperFrom } from "../env.js";
import { createSwarmInventory } from "../../adapters/swarm/swarm-inventory.js";
import { CliFailure, UsageError, stringValue, type CliContext } from "./command.js";

/** The config files of a directory; a directory that cannot be read is the operator's to fix, said in one line. */
export async function readConfigDir(dir: string, shown: (path: string) => string = (path) => path) {
  try {
    return await readConfigFiles(dir, shown);
  } catch (e) {
    throw new CliFailure(`cannot read ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export function repositoryArgument(value: string | undefined): string {
  if (!value || !isRepositoryName(value))
    throw new UsageError(`expected <owner/repo>, got ${JSON.stringify(value ?? "")}`);
  return value;
}

export function configSource(ctx: CliContext): ConfigSource {
  return createFileConfigSource({
    configDir: stringValue(ctx, "config-dir") ?? "deploy-configs",
    templatesDir: stringValue(ctx, "templates-dir") ?? "templates",
    variables: ctx.env,
  });
}

export async function loadConfig(
  ctx: CliContext,
  repository: string,
): Promise<{ config: DeployConfig; source: ConfigSource }> {
  const source = configSource(ctx);
  const entry = await source.forRepository(repository);
  if (!entry)
    throw new CliFailure(`no deploy config in ${stringValue(ctx, "config-dir")} has repository: ${repository}`);
  if (!entry.config || entry.problems.length > 0) throw new CliFailure(`\n${formatProblems(entry.problems)}`);
  return { config: entry.config, source };
}

export function environmentArgument(config: DeployConfig, name: string | undefined): EnvironmentRef {
  try {
    return environmentNamed(config.app, name ?? "");
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Runs fn with the manager's Swarm over one pooled SSH connection, closed afterwards. */
export async function withSwarm<T>(
  config: DeployConfig,
  fn: (swarm: SwarmPort, inventory: SwarmInventory) => Promise<T>,
): Promise<T> {
  const pool = createSshPool({ log: pino({ level: "silent" }) });
  try {
    return await fn(
      createSshSwarm(config.ssh, pool, nodeHelperFrom(process.env)),
      createSwarmInventory(config.ssh, pool),
    );
  } catch (e) {
    if (e instanceof CliFailure || e instanceof UsageError) throw e;
    throw new CliFailure(`${config.ssh.user}@${config.ssh.host}:${config.ssh.port}: ${(e as Error).message}`);
  } finally {
    await pool.closeAll();
  }
}

/** Every valid config in the directory (status without a repository asks each distinct manager once). */
export async function loadAllConfigs(ctx: CliContext): Promise<DeployConfig[]> {
  const dir = stringValue(ctx, "config-dir") ?? "deploy-configs";
  const files = await readConfigDir(dir);
  return [...indexConfigs(files, ctx.env).byRepository.values()].flatMap((e) =>
    e.config && e.problems.length === 0 ? [e.config] : [],
  );
}
