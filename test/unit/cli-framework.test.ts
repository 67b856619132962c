// The CLI framework and each command's argument checks, without I/O: wrong usage exits 2 with the usage line (never
// a stack trace), --help answers everywhere with exit 0, failures exit 1, --json prints one parseable document.
import { describe, expect, it } from "vitest";
import { cli } from "../../app/main/cli.js";
import { runCli } from "../../app/main/cli/run-cli.js";
import { COMMANDS } from "../../app/main/cli/commands.js";
import { CliFailure, UsageError, type CliCommand } from "../../app/main/cli/command.js";

async function run(args: string[], env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await cli(
    args,
    env,
    (s) => out.push(s),
    (s) => err.push(s),
  );
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const sha = "a".repeat(40);

describe("berth --help and usage", () => {
  it("berth --help lists every command and the exit codes, exit 0; no command at all is a usage error", async () => {
    for (const args of [["--help"], ["-h"], ["help"]]) {
      const r = await run(args);
      expect(r.code).toBe(0);
      for (const c of COMMANDS) expect(r.out).toContain(`  ${c.name}`);
      expect(r.out).toMatch(/exit codes:[\s\S]*0 {2}done[\s\S]*1 {2}problems[\s\S]*2 {2}wrong usage/);
    }
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.err).toContain("usage: berth <command>");
  });

  it("every command answers --help with its usage line and options, exit 0, touching nothing", async () => {
    for (const c of COMMANDS) {
      const r = await run([c.name, "--help"]);
      expect(r.code, c.name).toBe(0);
      expect(r.out).toContain(`usage: berth ${c.usage}`);
      expect(r.out).toContain("--json");
      expect((await run(["help", c.name])).out).toBe(r.out);
    }
  });

  it("an unknown command, an unknown option or a missing value exits 2 with the usage line, no stack trace", async () => {
    const unknown = await run(["frobnicate"]);
    expect(unknown).toMatchObject({ code: 2 });
    expect(unknown.err).toContain("unknown command 'frobnicate'");
    const option = await run(["render", "acme/shop", "--frob"]);
    expect(option.code).toBe(2);
    expect(option.err).toContain("Unknown option '--frob'");
    expect(option.err).toContain("usage: berth render <owner/repo>");
    expect(option.err).not.toMatch(/\n\s+at /);
    const missingValue = await run(["render", "acme/shop", "--sha"]);
    expect(missingValue.code).toBe(2);
    expect(missingValue.err).toMatch(/--sha.*argument missing/);
    expect((await run(["help", "nothing"])).code).toBe(2);
  });

  it("each command checks its arguments before any I/O", async () => {
    const cases: [string[], RegExp][] = [
      [["validate", "extra"], /unexpected argument 'extra'/],
      [["render", "acme/shop", "pr-1"], /--sha is required/],
      [["render", "acme/shop", "--sha", sha], /which environment/],
      [["render", "acme/shop", "pr-1", "--pr", "2", "--sha", sha], /either an environment or --pr/],
      [["render", "not-a-repo", "pr-1", "--sha", sha], /expected <owner\/repo>/],
      [["plan", "acme/shop"], /missing arguments/],
      [["plan", "acme/shop", "pr-1"], /--sha is required/],
      [["logs", "acme/shop", "pr-1", "web", "--tail", "0"], /--tail must be/],
      [["logs", "acme/shop", "pr-1", "web;rm"], /service/],
      [["history", "acme/shop", "pr-1"], /staging or production/],
      [["rollback", "acme/shop", "staging", "HEAD"], /sha must be/],
      [["status", "a/b", "c/d"], /unexpected argument 'c\/d'/],
      [["destroy", "acme/shop"], /missing arguments/],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err, args.join(" ")).toMatch(message);
      expect(r.err).toContain(`usage: berth ${args[0]}`);
    }
  });

  it("an environment name that is not pr-N, staging or production is a usage error once the config is read", async () => {
    const env = {
      BERTH_SSH_HOST: "127.0.0.1",
      BERTH_SSH_USER: "berth",
      BERTH_SSH_KEY_PATH: "/k",
      BERTH_SSH_HOST_KEY: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtAlH1ADexkKR/zhYzPmRqom2ZyAaXHlWWFCEMPLRsV",
    };
    for (const name of ["pr-0", "pr-x", "prod", "../x"]) {
      const r = await run(["render", "acme/shop", name, "--sha", sha], env);
      expect(r.code, name).toBe(2);
      expect(r.err).toContain("environment must be pr-<N>, staging or production");
    }
    expect((await run(["destroy", "acme/shop", "pr-3"], env)).err).toContain("add --yes to confirm");
  });
});

describe("exit codes and --json", () => {
  it("validate --json prints one JSON document: ok and configs, or the problems with file:line:col", async () => {
    const ok = await run(["validate", "--json"], {
      BERTH_SSH_HOST: "h",
      BERTH_SSH_USER: "u",
      BERTH_SSH_KEY_PATH: "/k",
      BERTH_SSH_HOST_KEY: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtAlH1ADexkKR/zhYzPmRqom2ZyAaXHlWWFCEMPLRsV",
    });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toEqual({
      ok: true,
      configs: [{ file: "deploy-configs/shop.yml", repository: "acme/shop" }],
      problems: [],
    });
    const bad = await run(["validate", "--json"]);
    expect(bad.code).toBe(1);
    const doc = JSON.parse(bad.out) as { ok: boolean; problems: { file: string; line: number; col: number }[] };
    expect(doc.ok).toBe(false);
    expect(doc.problems[0]).toMatchObject({ file: "deploy-configs/shop.yml", line: 10, col: 9 });
    expect(bad.err).toBe("");
  });

  it("a command's failure exits 1 with its message; an unexpected error too, without a stack trace", async () => {
    const fake = (thrown: Error): CliCommand => ({
      name: "boom",
      summary: "fails",
      usage: "boom",
      positionals: { min: 0, max: 0 },
      run: () => Promise.reject(thrown),
    });
    for (const [thrown, code, text] of [
      [new CliFailure("the Swarm said no"), 1, "berth boom: the Swarm said no"],
      [new TypeError("x is undefined"), 1, "berth boom: TypeError: x is undefined"],
      [new UsageError("give me a name"), 2, "berth: give me a name"],
    ] as const) {
      const err: string[] = [];
      const out: string[] = [];
      const c = await runCli(
        [fake(thrown)],
        ["boom", "--json"],
        {},
        { out: (s) => out.push(s), err: (s) => err.push(s) },
      );
      expect(c).toBe(code);
      expect(err.join("\n")).toContain(text);
      expect(err.join("\n")).not.toMatch(/\n\s+at /);
      if (code === 1) expect(JSON.parse(out.join("\n"))).toMatchObject({ ok: false });
    }
  });

  it("render --json carries the stack, URL and YAML", async () => {
    const r = await run(["render", "acme/shop", "staging", "--sha", sha, "--json"], {
      BERTH_SSH_HOST: "127.0.0.1",
      BERTH_SSH_USER: "berth",
      BERTH_SSH_KEY_PATH: "/k",
      BERTH_SSH_HOST_KEY: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtAlH1ADexkKR/zhYzPmRqom2ZyAaXHlWWFCEMPLRsV",
    });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { stack: string; url: string; yaml: string; environment: string };
    expect(doc).toMatchObject({ stack: "shop-staging", environment: "staging", url: "http://127.0.0.1:19999" });
    expect(doc.yaml).toContain("berth.environment: staging");
  });
});
