// Options several commands share, declared once so their names and help read the same everywhere.
import type { CliOption } from "./command.js";

export const configDirOption: Record<string, CliOption> = {
  "config-dir": { type: "string", value: "DIR", default: "deploy-configs", description: "where deploy configs live" },
};

export const templatesDirOption: Record<string, CliOption> = {
  "templates-dir": { type: "string", value: "DIR", default: "templates", description: "where stack templates live" },
};

export const shaOption: Record<string, CliOption> = {
  sha: { type: "string", value: "SHA", description: "the commit to render (40 lower-case hex characters)" },
};

export const redisEnvironmentNote =
  "Reads REDIS_URL (default redis://127.0.0.1:6379) and BERTH_QUEUE_PREFIX (default berth), like the bot.";
export const sshEnvironmentNote =
  "Reaches the Swarm manager named in the repository's deploy config over SSH (pinned host key), like the worker.";
