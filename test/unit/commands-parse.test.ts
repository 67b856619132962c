// The slash-command parser is pure: every accepted form, every refusal, and what counts as a command line.
import { describe, expect, it } from "vitest";
import { commandLines, hasCommandLine, parseComment, parseLine } from "../../app/core/commands/parse.js";
import { COMMAND_NAMES, USAGE } from "../../app/core/commands/grammar.js";

const ok = (line: string) => {
  const r = parseLine(line);
  if (!r.ok) throw new Error(`expected ${line} to parse, got ${r.message}`);
  return r.command;
};
const bad = (line: string) => {
  const r = parseLine(line);
  if (r.ok) throw new Error(`expected ${line} to be refused, got ${JSON.stringify(r.command)}`);
  return r;
};

describe("accepted commands", () => {
  it.each([
    ["/scale web 3", { name: "scale", service: "web", replicas: 3 }],
    ["/scale api-v2 1", { name: "scale", service: "api-v2", replicas: 1 }],
    ["/scale my_worker 1000", { name: "scale", service: "my_worker", replicas: 1000 }],
    ["/redeploy", { name: "redeploy" }],
    ["/rollback", { name: "rollback" }],
    ["/rollback abc1234", { name: "rollback", sha: "abc1234" }],
    ["/rollback " + "a".repeat(40), { name: "rollback", sha: "a".repeat(40) }],
    ["/rollback staging", { name: "rollback", environment: "staging" }],
    ["/rollback production 0123456789", { name: "rollback", environment: "production", sha: "0123456789" }],
    ["/destroy", { name: "destroy" }],
    ["/status", { name: "status" }],
    ["/logs web", { name: "logs", service: "web" }],
    ["/logs web --tail 20", { name: "logs", service: "web", tail: 20 }],
    ["/deploy staging", { name: "deploy", environment: "staging" }],
    ["/deploy production", { name: "deploy", environment: "production" }],
    ["/approve", { name: "approve" }],
    ["/help", { name: "help" }],
    ["/berth scale web 2", { name: "scale", service: "web", replicas: 2 }],
    ["/berth status", { name: "status" }],
    ["/berth", { name: "help" }],
    ["/SCALE web 2", { name: "scale", service: "web", replicas: 2 }],
    ["/scale   web\t2", { name: "scale", service: "web", replicas: 2 }],
  ])("%s", (line, command) => {
    expect(ok(line)).toEqual(command);
  });

  it("every command in the table has a usage line that starts with its name", () => {
    for (const name of COMMAND_NAMES) expect(USAGE[name].startsWith(`/${name}`)).toBe(true);
  });
});

describe("refused: shell metacharacters and strange tokens, before anything else", () => {
  it.each([
    ";",
    "&",
    "|",
    "`",
    "$",
    "<",
    ">",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    "*",
    "?",
    "!",
    "~",
    "'",
    '"',
    "\\",
    "#",
    "%",
    "^",
    "=",
    ",",
  ])("'%s' anywhere in the line", (c) => {
    const r = bad(`/scale web 3${c}`);
    expect(r.kind).toBe("refused");
    expect(r.message).toContain(`'${c}'`);
  });
  it("/scale web 3; rm -rf /", () => {
    expect(bad("/scale web 3; rm -rf /")).toMatchObject({ kind: "refused", message: expect.stringContaining("';'") });
  });
  it("a path or an option-looking token", () => {
    expect(bad("/scale web /")).toMatchObject({ kind: "refused", message: expect.stringContaining("'/'") });
    expect(bad("/scale -web 2")).toMatchObject({ kind: "refused" });
    expect(bad("/scale web 2 rm")).toMatchObject({ kind: "usage" });
  });
});

describe("refused: wrong arguments get the usage line", () => {
  it.each([
    ["/scale", "/scale <service> <replicas>"],
    ["/scale web", "/scale <service> <replicas>"],
    ["/scale web three", "/scale <service> <replicas>"],
    ["/scale web 0", "/scale <service> <replicas>"],
    ["/scale web 1001", "/scale <service> <replicas>"],
    ["/scale web 2 3", "/scale <service> <replicas>"],
    ["/scale Web 2", "/scale <service> <replicas>"],
    ["/scale web 123456", "/scale <service> <replicas>"],
    ["/scale web 2.5", "/scale <service> <replicas>"],
    ["/logs", "/logs <service> [--tail N]"],
    ["/logs web --tail", "/logs <service> [--tail N]"],
    ["/logs web --tail 0", "/logs <service> [--tail N]"],
    ["/logs web --tail 10001", "/logs <service> [--tail N]"],
    ["/logs web --head 5", "/logs <service> [--tail N]"],
    ["/logs web 5", "/logs <service> [--tail N]"],
    ["/deploy", "/deploy <staging|production>"],
    ["/deploy prod", "/deploy <staging|production>"],
    ["/deploy staging now", "/deploy <staging|production>"],
    ["/rollback xyz", "/rollback [staging|production] [sha]"],
    ["/rollback abc12", "/rollback [staging|production] [sha]"],
    ["/rollback ABCDEF1", "/rollback [staging|production] [sha]"],
    ["/rollback staging abc1234 def5678", "/rollback [staging|production] [sha]"],
    ["/redeploy now", "/redeploy"],
    ["/destroy everything", "/destroy"],
    ["/status web", "/status"],
    ["/approve abc1234", "/approve"],
    ["/help me", "/help"],
  ])("%s", (line, usage) => {
    const r = bad(line);
    expect(r.kind).toBe("usage");
    expect(r.message).toContain(`usage: ${usage}`);
  });
});

describe("refused: unknown commands get a did-you-mean", () => {
  it.each([
    ["/scael web 2", "scale"],
    ["/sclae web 2", "scale"],
    ["/redploy", "redeploy"],
    ["/statsu", "status"],
    ["/log web", "logs"],
    ["/destory", "destroy"],
    ["/aprove", "approve"],
    ["/berth scael web 2", "scale"],
  ])("%s → /%s", (line, suggestion) => {
    expect(bad(line)).toMatchObject({
      kind: "unknown",
      suggestion,
      message: expect.stringContaining(`did you mean /${suggestion}?`),
    });
  });
  it("no suggestion when nothing is close", () => {
    const r = bad("/frobnicate");
    expect(r).toMatchObject({ kind: "unknown", message: "unknown command '/frobnicate'" });
    expect(r.suggestion).toBeUndefined();
  });
});

describe("which lines are commands", () => {
  it("lines starting with /word, trimmed; prose, paths, quotes and code blocks are not", () => {
    const body = [
      "Looks good! Let's try more replicas.",
      "  /scale web 3  ",
      "/etc/hosts is odd",
      "see /status for details",
      "> /destroy",
      "```",
      "/destroy",
      "```",
      "~~~sh",
      "/redeploy",
      "~~~",
      "/status",
      "/",
      "/3",
    ].join("\r\n");
    expect(commandLines(body)).toEqual(["/scale web 3", "/status"]);
    expect(parseComment(body).map((p) => p.ok)).toEqual([true, true]);
  });
  it("hasCommandLine is the handler's cheap check", () => {
    expect(hasCommandLine("lgtm")).toBe(false);
    expect(hasCommandLine("```\n/scale web 3\n```")).toBe(false);
    expect(hasCommandLine("thanks\n/scael web 2")).toBe(true);
    expect(hasCommandLine("")).toBe(false);
  });
});
