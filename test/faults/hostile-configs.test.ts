// Hostile deploy configs beside a good one, read through the bot's own file config source and the CLI: each hostile
// file becomes problems of its own repository (file:line:col, within bounded time and memory), and the good
// repository's config is read as if the hostile file were not there. (test/e2e-style proof with the real bot and
// Swarm: hostile-config-isolation.test.ts.)
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFileConfigSource } from "../../app/adapters/config/file-config-source.js";
import { formatProblems } from "../../app/core/config/index.js";
import { cli } from "../../app/main/cli.js";
import { ConfigError } from "../../app/errors.js";
import { recordReliability } from "../helpers/reliability.js";

const MINIMAL = readFileSync(new URL("../fixtures/configs/minimal.yml", import.meta.url), "utf8");
const good = MINIMAL.replace("repository: acme/shop", "repository: acme/hostile-good").replace(
  "app: shop",
  "app: hostilegood",
);
const header = (repo: string) => `repository: acme/${repo}\n`;

function aliasBomb(): string {
  let s = header("hostile-bomb") + 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  for (let i = 1; i < 12; i++)
    s += `a${i}: &a${i} [${Array(9)
      .fill(`*a${i - 1}`)
      .join(",")}]\n`;
  return s;
}

interface Case {
  name: string;
  repo: string;
  text: () => string;
  /** The problem's line and column and a word of its message. */
  expect: { line: number; col: number; says: RegExp; path?: string };
}

const CASES: Case[] = [
  {
    name: "YAML alias bomb (9^11 expansions)",
    repo: "hostile-bomb",
    text: aliasBomb,
    expect: { line: 3, col: 10, says: /aliases expand too far/ },
  },
  {
    name: "10 000-deep flow nesting",
    repo: "hostile-deep",
    text: () => header("hostile-deep") + "x: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n",
    expect: { line: 2, col: 36, says: /nested more than 32 levels/ },
  },
  {
    name: "600-deep block nesting (10 000 deep is a 48 MiB file: refused by size)",
    repo: "hostile-deepblock",
    text: () =>
      header("hostile-deepblock") + Array.from({ length: 600 }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n"),
    expect: { line: 131, col: 130, says: /indented 129 columns/ },
  },
  {
    name: "10 MB file",
    repo: "hostile-big",
    text: () => header("hostile-big") + "app: big\n# " + "x".repeat(10 * 1024 * 1024) + "\n",
    expect: { line: 1, col: 1, says: /file is 10\.0 MiB; a deploy config may be at most 256 KiB/ },
  },
  {
    name: "unknown keys",
    repo: "hostile-unknown",
    text: () => MINIMAL.replace("acme/shop", "acme/hostile-unknown").replace("app: shop", "app: shop\nrm_rf: true"),
    expect: { line: 3, col: 1, says: /unknown key 'rm_rf'/, path: "/rm_rf" },
  },
  {
    name: "wrong types",
    repo: "hostile-types",
    text: () =>
      MINIMAL.replace("acme/shop", "acme/hostile-types").replace("port: 8080", "port: [8080]\n    replicas: lots"),
    expect: { line: 14, col: 11, says: /must be/, path: "/services/web/port" },
  },
  {
    name: "NUL and invalid UTF-8 bytes",
    repo: "hostile-binary",
    text: () => header("hostile-binary") + "app: a\u0000b\n" + "\uFFFE\uD800",
    expect: { line: 3, col: 1, says: /YAML syntax/ },
  },
];

let dir: string;
let templates: string;
let outside: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "berth-hostile-configs-"));
  templates = join(dir, "templates");
  outside = join(dir, "outside");
  mkdirSync(join(dir, "deploy-configs"));
  mkdirSync(templates);
  mkdirSync(outside);
  writeFileSync(join(dir, "deploy-configs", "a-good.yml"), good);
  for (const c of CASES) writeFileSync(join(dir, "deploy-configs", `${c.repo}.yml`), c.text());
  // Not a file at all: a directory with a config's name.
  mkdirSync(join(dir, "deploy-configs", "hostile-dir.yml"));
  writeFileSync(join(templates, "web-service.yml"), "services:\n  web:\n    image: x\n");
  writeFileSync(join(outside, "secret.yml"), "services:\n  web:\n    image: stolen\n");
  symlinkSync(join(outside, "secret.yml"), join(templates, "escape.yml"));
  symlinkSync(join(templates, "web-service.yml"), join(templates, "alias.yml"));
});

afterAll(() => process.env.KEEP || rmSync(dir, { recursive: true, force: true }));

const source = () =>
  createFileConfigSource({
    configDir: join(dir, "deploy-configs"),
    templatesDir: templates,
    variables: {},
    cwd: dir,
  });

describe("hostile deploy configs", () => {
  it.each(CASES)("$name: a problem of its own repository with line:col, bounded", async (c) => {
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const entry = await source().forRepository(`acme/${c.repo}`);
    const ms = performance.now() - started;
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;

    expect(entry?.config).toBeUndefined();
    expect(entry?.problems.length).toBeGreaterThan(0);
    const first = entry!.problems[0]!;
    expect(first).toMatchObject({ file: `deploy-configs/${c.repo}.yml`, line: c.expect.line, col: c.expect.col });
    if (c.expect.path) expect(first.path).toBe(c.expect.path);
    expect(formatProblems(entry!.problems)).toMatch(c.expect.says);
    // Every file in the directory is read on each lookup: the hostile ones together must stay cheap.
    expect(ms).toBeLessThan(5_000);
    expect(heapGrowth).toBeLessThan(64 * 1024 * 1024);

    // The good repository beside it is untouched.
    const neighbour = await source().forRepository("acme/hostile-good");
    expect(neighbour?.problems).toEqual([]);
    expect(neighbour?.config?.app).toBe("hostilegood");

    recordReliability({
      area: "input",
      what: `deploy config: ${c.name}`,
      injected: `deploy-configs/${c.repo}.yml beside a valid config, read by the bot's config source`,
      berthDid:
        `problem for acme/${c.repo} only: "${formatProblems([first]).slice(0, 110)}"; ` +
        `read in ${Math.round(ms)} ms; acme/hostile-good read as valid`,
      lost: "nothing",
    });
  });

  it("a config path that is not a file is that file's problem", async () => {
    const index = await source().forRepository("acme/hostile-good");
    expect(index?.config).toBeDefined();
    const out: string[] = [];
    const err: string[] = [];
    const cwd = process.cwd();
    process.chdir(dir);
    let code: number;
    try {
      code = await cli(
        ["validate", "--config-dir", "deploy-configs"],
        {},
        (l) => out.push(l),
        (l) => err.push(l),
      );
    } finally {
      process.chdir(cwd);
    }
    const text = err.join("\n");
    expect(code).toBe(1);
    expect(out.join("\n")).toContain("ok  deploy-configs/a-good.yml (acme/hostile-good)");
    expect(text).toContain("deploy-configs/hostile-dir.yml:1:1 not a regular file");
    for (const c of CASES) expect(text).toContain(`deploy-configs/${c.repo}.yml:${c.expect.line}:${c.expect.col}`);
    // Problems, not a stack trace.
    expect(text).not.toMatch(/^\s+at /m);
    recordReliability({
      area: "input",
      what: "berth validate on a directory of hostile configs",
      injected: `${CASES.length} hostile files and a directory named like a config, beside a valid one`,
      berthDid: `exit 1, ${err.join("\n").split("\n").length} problem lines as file:line:col, the valid file "ok"`,
      lost: "nothing",
    });
  });

  it("template names with '..', absolute paths, or a link out of templates/ are refused", async () => {
    const src = source();
    for (const name of ["../outside/secret.yml", "/etc/passwd.yml", "..", "sub/web-service.yml"]) {
      await expect(src.template(name)).rejects.toThrow(ConfigError);
    }
    const escape = src.template("escape.yml");
    await expect(escape).rejects.toThrow(/is a link to a file outside templates; templates must be files inside/);
    await expect(escape).rejects.not.toThrow(/outside\/secret/);
    // A link that stays inside templates/ is an ordinary template.
    expect((await src.template("alias.yml")).text).toContain("image: x");

    // In a config, the schema refuses the names with file:line:col before any file is opened.
    const withTemplate = (t: string) => good.replace("template: web-service.yml", `template: ${t}`);
    writeFileSync(join(dir, "deploy-configs", "a-good.yml"), withTemplate("../outside/secret.yml"));
    const dotdot = await src.forRepository("acme/hostile-good");
    writeFileSync(join(dir, "deploy-configs", "a-good.yml"), withTemplate("/etc/passwd.yml"));
    const absolute = await src.forRepository("acme/hostile-good");
    writeFileSync(join(dir, "deploy-configs", "a-good.yml"), good);
    for (const entry of [dotdot, absolute]) {
      expect(entry?.config).toBeUndefined();
      expect(formatProblems(entry!.problems)).toMatch(
        /^deploy-configs\/a-good\.yml:3:11 template: must be a plain file/,
      );
    }
    recordReliability({
      area: "input",
      what: "template outside templates/",
      injected:
        "template: ../outside/secret.yml, /etc/passwd.yml, sub/x.yml, and templates/escape.yml → a file outside",
      berthDid: "config problem at the template line (names); the link refused without naming its target",
      lost: "nothing",
    });
  });
});
