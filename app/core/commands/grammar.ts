// The commands Berth understands in PR comments, with the one usage line each. The parser, the help reply and the
// "did you mean" all read this table, so they cannot drift apart.
export type Environment = "staging" | "production";

export type Command =
  | { name: "scale"; service: string; replicas: number }
  | { name: "redeploy" }
  | { name: "rollback"; environment?: Environment; sha?: string }
  | { name: "destroy" }
  | { name: "status" }
  | { name: "logs"; service: string; tail?: number }
  | { name: "deploy"; environment: Environment }
  | { name: "approve" }
  | { name: "help" };

export type CommandName = Command["name"];

export const USAGE: Record<CommandName, string> = {
  scale: "/scale <service> <replicas>",
  redeploy: "/redeploy",
  rollback: "/rollback [staging|production] [sha]",
  destroy: "/destroy",
  status: "/status",
  logs: "/logs <service> [--tail N]",
  deploy: "/deploy <staging|production>",
  approve: "/approve",
  help: "/help",
};

export const PURPOSE: Record<CommandName, string> = {
  scale: "run this many replicas of a service in the preview (kept on later pushes)",
  redeploy: "deploy the PR head again",
  rollback: "redeploy an earlier commit of this PR's preview (or of staging/production)",
  destroy: "remove the preview now",
  status: "show each service's running/desired replicas",
  logs: "show a service's last log lines (default 50)",
  deploy: "deploy the PR head to staging, or promote staging to production",
  approve: "let this exact commit of a fork / outside PR deploy",
  help: "list the commands",
};

export const COMMAND_NAMES = Object.keys(USAGE) as CommandName[];

/** Commands may also be written `/berth <command>`, for repositories where another bot owns `/scale`. */
export const PREFIX_WORD = "berth";

/** Largest numbers the grammar accepts; the config's limits are checked after parsing. */
export const MAX_REPLICAS_TOKEN = 1000;
export const MAX_TAIL_TOKEN = 10_000;
