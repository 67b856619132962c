// The permission matrix, exhaustively: every GitHub permission × every command action, with the defaults and with
// a repository's overrides; and the limits /scale and /logs are held to.
import { describe, expect, it } from "vitest";
import {
  actionOf,
  authorize,
  DEFAULT_REQUIRED_ROLE,
  roleOf,
  type CommandAction,
} from "../../app/core/commands/authorize.js";
import type { Command } from "../../app/core/commands/grammar.js";
import { effectiveReplicas, scaleProblem, tailProblem } from "../../app/core/commands/limits.js";
import type { DeployConfig } from "../../app/core/config/types.js";

const COMMAND_OF: Record<CommandAction, Command> = {
  help: { name: "help" },
  status: { name: "status" },
  logs: { name: "logs", service: "web" },
  scale: { name: "scale", service: "web", replicas: 2 },
  redeploy: { name: "redeploy" },
  approve: { name: "approve" },
  destroy: { name: "destroy" },
  "deploy-staging": { name: "deploy", environment: "staging" },
  "deploy-production": { name: "deploy", environment: "production" },
  "rollback-preview": { name: "rollback", sha: "abc1234" },
  "rollback-staging": { name: "rollback", environment: "staging" },
  "rollback-production": { name: "rollback", environment: "production" },
};

// The matrix, written out: viewer → status, logs, help; developer → scale, redeploy (+ approve, staging);
// admin → destroy, deploy production, rollback production.
const EXPECTED: Record<string, CommandAction[]> = {
  read: ["help", "status", "logs"],
  triage: ["help", "status", "logs"],
  write: [
    "help",
    "status",
    "logs",
    "scale",
    "redeploy",
    "approve",
    "deploy-staging",
    "rollback-preview",
    "rollback-staging",
  ],
  maintain: Object.keys(COMMAND_OF) as CommandAction[],
  admin: Object.keys(COMMAND_OF) as CommandAction[],
  none: [],
  "something-new": [],
};

describe("default matrix", () => {
  for (const [permission, allowed] of Object.entries(EXPECTED)) {
    for (const action of Object.keys(COMMAND_OF) as CommandAction[]) {
      const should = allowed.includes(action);
      it(`${permission} ${should ? "may" : "may not"} ${action}`, () => {
        const d = authorize(COMMAND_OF[action], permission);
        expect(d.allowed).toBe(should);
        if (!d.allowed) {
          expect(d.needs).toBe(DEFAULT_REQUIRED_ROLE[action]);
          expect(d.message).toContain(`needs the ${d.needs} role`);
          expect(d.message).toContain(`'${permission}'`);
        }
      });
    }
  }
  it("actions are derived from the command's arguments", () => {
    for (const [action, command] of Object.entries(COMMAND_OF)) expect(actionOf(command)).toBe(action);
  });
  it("GitHub permissions are matched case-insensitively; unknown ones give no role", () => {
    expect(roleOf("ADMIN")).toBe("admin");
    expect(roleOf("Write")).toBe("developer");
    expect(roleOf("owner")).toBe("none");
  });
});

describe("a repository's overrides", () => {
  it("a permission can be given another role, or none", () => {
    const matrix = { roles: { triage: "developer" as const, write: "none" as const } };
    expect(authorize(COMMAND_OF.scale, "triage", matrix).allowed).toBe(true);
    expect(authorize(COMMAND_OF.help, "write", matrix)).toMatchObject({
      allowed: false,
      message: expect.stringContaining("gives no Berth role"),
    });
    expect(authorize(COMMAND_OF.destroy, "admin", matrix).allowed).toBe(true);
  });
  it("a command can need another role", () => {
    const matrix = {
      require: { destroy: "developer" as const, logs: "developer" as const, approve: "admin" as const },
    };
    expect(authorize(COMMAND_OF.destroy, "write", matrix).allowed).toBe(true);
    expect(authorize(COMMAND_OF.logs, "read", matrix)).toMatchObject({ allowed: false, needs: "developer" });
    expect(authorize(COMMAND_OF.approve, "write", matrix)).toMatchObject({ allowed: false, needs: "admin" });
  });
});

const config = (over: Partial<DeployConfig> = {}): DeployConfig =>
  ({
    file: "deploy-configs/cmd.yml",
    services: {
      ingress: { replicas: 1, maxReplicas: 1 },
      web: { replicas: 1, maxReplicas: 4 },
      worker: { replicas: 2, maxReplicas: 6 },
    },
    ...over,
  }) as unknown as DeployConfig;
const RENDERED = ["ingress", "web", "worker", "redis"];

describe("scale limits", () => {
  it("within maxReplicas and the quota → allowed", () => {
    expect(scaleProblem(config(), RENDERED, {}, "web", 4)).toBeUndefined();
  });
  it("over the service's maxReplicas → refused, naming the limit and the file", () => {
    expect(scaleProblem(config(), RENDERED, {}, "web", 999)).toBe(
      "999 replicas is over the limit for 'web' (maxReplicas 4 in deploy-configs/cmd.yml)",
    );
  });
  it("a service not in the rendered stack → refused, listing the services", () => {
    expect(scaleProblem(config(), RENDERED, {}, "nosuch", 2)).toBe(
      "service 'nosuch' is not in this preview's stack (services: ingress, web, worker, redis)",
    );
  });
  it("a template service the config does not configure → refused", () => {
    expect(scaleProblem(config(), RENDERED, {}, "redis", 2)).toMatch(
      /'redis' is not configured in deploy-configs\/cmd.yml/,
    );
  });
  it("the preview's total against commands.replicaQuota, counting what other services run now", () => {
    const c = config({
      commands: { enabled: true, roles: {}, require: {}, replicaQuota: 8, logTailDefault: 50, logTailMax: 500 },
    });
    expect(scaleProblem(c, RENDERED, {}, "web", 4)).toBeUndefined(); // 1 + 4 + 2 = 7
    expect(scaleProblem(c, RENDERED, { worker: 6 }, "web", 2)).toBe(
      "the preview would run 9 replicas in all, over its quota of 8 (commands.replicaQuota in deploy-configs/cmd.yml)",
    );
    expect(scaleProblem(config(), RENDERED, { worker: 6 }, "web", 4)).toMatch(
      /11 replicas in all, over its quota of 10/,
    );
  });
  it("--tail against commands.logTailMax (default 500)", () => {
    expect(tailProblem(config(), 500)).toBeUndefined();
    expect(tailProblem(config(), 501)).toBe(
      "--tail 501 is over the limit of 500 lines (commands.logTailMax in deploy-configs/cmd.yml)",
    );
  });
});

describe("persisted /scale counts", () => {
  it("hold while the config's replicas are what they were when scaled; a config change or a removed service wins", () => {
    const stored = {
      web: { replicas: 3, baseline: 1 },
      worker: { replicas: 4, baseline: 1 },
      gone: { replicas: 2, baseline: 1 },
    };
    expect(effectiveReplicas(config(), stored)).toEqual({ web: 3 });
  });
  it("are clamped to a since-lowered maxReplicas", () => {
    const c = config();
    c.services.web!.maxReplicas = 2;
    expect(effectiveReplicas(c, { web: { replicas: 3, baseline: 1 } })).toEqual({ web: 2 });
  });
});
