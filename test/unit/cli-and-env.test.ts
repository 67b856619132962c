import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync, copyFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "../../app/main/cli.js";
import { parseEnv, EnvError } from "../../app/main/env.js";
import { invalidFacts } from "../../app/events/enqueue.js";

const vars = {
  BERTH_SSH_HOST: "127.0.0.1",
  BERTH_SSH_PORT: "2222",
  BERTH_SSH_USER: "berth",
  BERTH_SSH_KEY_PATH: "/k",
  BERTH_SSH_HOST_KEY: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtAlH1ADexkKR/zhYzPmRqom2ZyAaXHlWWFCEMPLRsV",
};

const made: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "berth-cli-"));
  made.push(dir);
  return dir;
};
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function run(args: string[], env: Record<string, string | undefined> = vars) {
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

describe("berth CLI", () => {
  it("validate: ok for the shipped config, file:line:col and exit 1 for a broken one", async () => {
    expect(await run(["validate"])).toMatchObject({ code: 0, out: "ok  deploy-configs/shop.yml (acme/shop)" });
    const dir = tempDir();
    writeFileSync(join(dir, "bad.yml"), "repository: acme/bad\napp: Bad_App\n");
    const r = await run(["validate", "--config-dir", dir]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.yml:2:6 .*app/);
  });

  it("render: prints the stack a PR would get; refuses a bad SHA", async () => {
    const r = await run(["render", "acme/shop", "--pr", "5", "--sha", "a".repeat(40)]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("# stack shop-pr-5 → http://127.0.0.1:20005");
    expect(r.out).toContain("berth.environment: pr-5");
    expect((await run(["render", "acme/shop", "--pr", "5", "--sha", "zzz"])).code).toBe(1);
    expect((await run(["render", "acme/nobody", "--pr", "5", "--sha", "a".repeat(40)])).err).toContain(
      "no deploy config",
    );
    expect((await run(["frobnicate"])).code).toBe(2);
  });

  it("render: a config whose env variables are missing says which", async () => {
    const dir = tempDir();
    copyFileSync("deploy-configs/shop.yml", join(dir, "shop.yml"));
    const r = await run(["render", "acme/shop", "--pr", "5", "--sha", "a".repeat(40), "--config-dir", dir], {});
    expect(r.code).toBe(1);
    expect(r.err).toContain("environment variable BERTH_SSH_HOST is not set");
  });
});

describe("process environment", () => {
  it("lists everything missing at once", () => {
    expect(() => parseEnv({})).toThrow(EnvError);
    try {
      parseEnv({ PORT: "70000" });
    } catch (e) {
      expect((e as Error).message).toMatch(/APP_ID[\s\S]*PRIVATE_KEY[\s\S]*WEBHOOK_SECRET[\s\S]*PORT=/);
    }
  });
  it("points Probot and links at GitHub Enterprise or a stand-in", () => {
    const env = parseEnv(
      { APP_ID: "1", PRIVATE_KEY: "k", WEBHOOK_SECRET: "s", GHE_HOST: "127.0.0.1:9999", GHE_PROTOCOL: "http" },
      "/srv/berth",
    );
    expect(env).toMatchObject({
      githubApiUrl: "http://127.0.0.1:9999/api/v3",
      githubWebUrl: "http://127.0.0.1:9999",
      configDir: "/srv/berth/deploy-configs",
      port: 3000,
      redisUrl: "redis://127.0.0.1:6379",
    });
  });
});

describe("webhook facts", () => {
  const ok = { repository: "acme/shop", sha: "a".repeat(40), pr: 3, installationId: 1 };
  it("accepts well-formed facts and names what is wrong otherwise", () => {
    expect(invalidFacts(ok)).toBeUndefined();
    expect(invalidFacts({ ...ok, sha: "main" })).toMatch(/sha/);
    expect(invalidFacts({ ...ok, pr: -1 })).toMatch(/pull request/);
    expect(invalidFacts({ ...ok, repository: "../etc" })).toMatch(/repository/);
    expect(invalidFacts({ ...ok, installationId: undefined })).toMatch(/installation/);
  });
});
