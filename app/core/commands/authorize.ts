// The permission matrix: GitHub's collaborator permission → a Berth role (seed 001: viewer, developer, admin) →
// which commands that role may run. Both steps are configurable per repository (`commands.roles`,
// `commands.require`); the defaults follow the issue, except that /approve is at developer level, because anyone
// with write access may approve a fork's commit (the policies issue).
import type { Command } from "./grammar.js";

export type Role = "viewer" | "developer" | "admin";
export type GitHubPermission = "admin" | "maintain" | "write" | "triage" | "read" | "none";
export const ROLES: readonly Role[] = ["viewer", "developer", "admin"];

/** What a command asks for, finer than its name: deploying production is not deploying staging. */
export type CommandAction =
  | "help"
  | "status"
  | "logs"
  | "scale"
  | "redeploy"
  | "approve"
  | "destroy"
  | "deploy-staging"
  | "deploy-production"
  | "rollback-preview"
  | "rollback-staging"
  | "rollback-production";

export const DEFAULT_ROLE_OF_PERMISSION: Record<GitHubPermission, Role | "none"> = {
  admin: "admin",
  maintain: "admin",
  write: "developer",
  triage: "viewer",
  read: "viewer",
  none: "none",
};

export const DEFAULT_REQUIRED_ROLE: Record<CommandAction, Role> = {
  help: "viewer",
  status: "viewer",
  logs: "viewer",
  scale: "developer",
  redeploy: "developer",
  approve: "developer",
  "deploy-staging": "developer",
  "rollback-preview": "developer",
  "rollback-staging": "developer",
  destroy: "admin",
  "deploy-production": "admin",
  "rollback-production": "admin",
};

export interface Matrix {
  roles?: Partial<Record<GitHubPermission, Role | "none">>;
  require?: Partial<Record<CommandAction, Role>>;
}

export function actionOf(command: Command): CommandAction {
  switch (command.name) {
    case "deploy":
      return `deploy-${command.environment}`;
    case "rollback":
      return `rollback-${command.environment ?? "preview"}`;
    default:
      return command.name;
  }
}

export function roleOf(permission: string, matrix: Matrix = {}): Role | "none" {
  const p = (
    permission.toLowerCase() in DEFAULT_ROLE_OF_PERMISSION ? permission.toLowerCase() : "none"
  ) as GitHubPermission;
  return matrix.roles?.[p] ?? DEFAULT_ROLE_OF_PERMISSION[p];
}

export type Decision =
  { allowed: true; role: Role } | { allowed: false; role: Role | "none"; needs: Role; message: string };

export function authorize(command: Command, permission: string, matrix: Matrix = {}): Decision {
  const action = actionOf(command);
  const needs = matrix.require?.[action] ?? DEFAULT_REQUIRED_ROLE[action];
  const role = roleOf(permission, matrix);
  if (role !== "none" && ROLES.indexOf(role) >= ROLES.indexOf(needs)) return { allowed: true, role };
  const has = role === "none" ? "no Berth role" : `the ${role} role`;
  return {
    allowed: false,
    role,
    needs,
    message: `${action.replace("-", " ")} needs the ${needs} role; your '${permission}' permission on this repository gives ${has}`,
  };
}
