// The committed action bundles, run as the runner runs them (node, INPUT_* variables, $GITHUB_OUTPUT file) against
// the local Swarm: validate annotates problems at file:line:col; deploy serves the commit and outputs url and status,
// and a broken image ends with status failed, an ::error annotation and nothing left running.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createSshPool } from "../../app/adapters/ssh/pool.js";
import { createSshSwarm } from "../../app/adapters/swarm/ssh-swarm.js";
import { infraEnv, sshTarget } from "../helpers/infra.js";
import { waitFor } from "../../scripts/lib/wait-for.js";

const infra = infraEnv();
const suffix = randomBytes(3).toString("hex");
const app = `act${suffix}`;
const repository = `acme/act-${suffix}`;
const pr = 1140 + Math.floor(Math.random() * 15) * 2; // act* PRs 1140–1169, ports 27040–27069
const brokenPr = pr + 1;
const dir = mkdtempSync(join(tmpdir(), "berth-act-"));
const configDir = join(dir, "configs");
const pool = createSshPool();
const swarm = createSshSwarm(sshTarget(), pool);

function writeConfig(keyPath: string, image = "${BERTH_TEST_IMAGE}") {
  rmSync(configDir, { recursive: true, force: true });
  mkdirSync(configDir, { recursive: true });
  writeFileSync(
    join(configDir, "act.yml"),
    `repository: ${repository}
app: ${app}
template: web-service.yml
ssh:
  host: \${BERTH_SSH_HOST}
  port: \${BERTH_SSH_PORT}
  user: \${BERTH_SSH_USER}
  privateKeyPath: ${keyPath}
  hostKey: \${BERTH_SSH_HOST_KEY}
routing: { mode: host-port, domain: preview.localhost, previewPortBase: 25900 }
preview: { healthTimeoutSeconds: 60, maxFailedTasks: 2 }
services:
  web:
    image: ${image}
    public: true
    port: 8080
    healthPath: /healthz
    resources: { limits: { cpus: 0.25, memory: 32M } }
`,
  );
}
interface ActionRun {
  code: number;
  stdout: string;
  outputs: Record<string, string>;
}

/** Runs actions/<name>/dist/index.js like the runner: inputs as INPUT_*, outputs through $GITHUB_OUTPUT. */
function runAction(
  name: string,
  inputs: Record<string, string>,
  extraEnv: Record<string, string> = {},
): Promise<ActionRun> {
  const outputFile = join(dir, `output-${name}-${randomBytes(4).toString("hex")}`);
  writeFileSync(outputFile, "");
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    GITHUB_OUTPUT: outputFile,
    ...extraEnv,
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  return new Promise((resolve) => {
    execFile("node", [`actions/${name}/dist/index.js`], { env, timeout: 240_000 }, (err, stdout, stderr) => {
      const outputs: Record<string, string> = {};
      const text = readFileSync(outputFile, "utf8");
      for (const m of text.matchAll(/^([a-z-]+)<<(berth_[0-9a-f]+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]!] = m[3]!;
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: `${stdout}${stderr}`, outputs });
    });
  });
}

afterAll(async () => {
  for (const n of [pr, brokenPr])
    await swarm.removeStack(`${app}-pr-${n}`, { deadline: Date.now() + 120_000 }).catch(() => undefined);
  await pool.closeAll();
  rmSync(dir, { recursive: true, force: true });
});

const sshVariables = {
  BERTH_SSH_HOST: infra.BERTH_SSH_HOST!,
  BERTH_SSH_PORT: infra.BERTH_SSH_PORT!,
  BERTH_SSH_USER: infra.BERTH_SSH_USER!,
  BERTH_SSH_HOST_KEY: infra.BERTH_SSH_HOST_KEY!,
  BERTH_TEST_IMAGE: infra.BERTH_TEST_IMAGE!,
};

describe("actions/validate bundle", () => {
  it("valid configs: every enabled environment renders, problems=0, exit 0", async () => {
    const r = await runAction(
      "validate",
      { sha: "c".repeat(40), pr: "1140" },
      { ...sshVariables, BERTH_SSH_KEY_PATH: "/k" },
    );
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain(
      "ok  deploy-configs/shop.yml: pr-1140 renders stack shop-pr-1140 (http://127.0.0.1:21140)",
    );
    expect(r.stdout).toContain("ok  deploy-configs/shop.yml: production renders stack shop");
    expect(r.outputs).toEqual({ problems: "0", rendered: "3" });
    expect(r.stdout).not.toContain("::error");
  });

  it("a broken config: ::error annotations at file:line:col, exit 1; variables input feeds ${NAME}", async () => {
    writeConfig("/k");
    writeFileSync(join(configDir, "bad.yml"), "repository: acme/bad\napp: Bad_App\n");
    const r = await runAction(
      "validate",
      { "config-dir": configDir, variables: `BERTH_SSH_KEY_PATH=/k` },
      sshVariables,
    );
    expect(r.code).toBe(1);
    const file = join(configDir, "bad.yml").replace(/^\//, "");
    expect(r.stdout).toMatch(
      new RegExp(
        `^::error file=[^,]*${file.split("/").pop()!.replace(".", "\\.")},line=2,col=6,title=Berth config::app: `,
        "m",
      ),
    );
    expect(r.stdout).toContain(`ok  `); // act.yml still renders
    expect(Number(r.outputs.problems)).toBeGreaterThan(0);
  });
});

describe("actions/deploy bundle", () => {
  it("deploys a preview over SSH: outputs url and status=deployed, the URL serves the commit", async () => {
    writeConfig("/nonexistent/key"); // the key comes from the ssh-key input, as from a workflow secret
    const sha = randomBytes(20).toString("hex");
    const r = await runAction(
      "deploy",
      {
        repository,
        environment: `pr-${pr}`,
        sha,
        "config-dir": configDir,
        "ssh-key": readFileSync(infra.BERTH_SSH_KEY_PATH!, "utf8"),
      },
      sshVariables,
    );
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs).toEqual({ status: "deployed", url: `http://127.0.0.1:${25900 + pr}`, stack: `${app}-pr-${pr}` });
    expect(r.stdout).toMatch(/^::add-mask::-----BEGIN OPENSSH PRIVATE KEY-----/m);
    // On a loaded machine Swarm may restart a task whose health check timed out: give it time to answer again.
    const body = await waitFor(
      "the preview to serve",
      () =>
        fetch(r.outputs.url!).then(
          (res) => res.text(),
          () => undefined,
        ),
      90_000,
      1000,
    );
    expect(body).toContain(`sha=${sha}`);
  });

  it("a broken image: status=failed, an ::error annotation with Swarm's reason, nothing left of the stack", async () => {
    writeConfig("${BERTH_SSH_KEY_PATH}", infra.BERTH_BROKEN_IMAGE!);
    const r = await runAction(
      "deploy",
      { repository, environment: `pr-${brokenPr}`, sha: "d".repeat(40), "config-dir": configDir },
      { ...sshVariables, BERTH_SSH_KEY_PATH: infra.BERTH_SSH_KEY_PATH! },
    );
    expect(r.code).toBe(1);
    expect(r.outputs.status).toBe("failed");
    expect(r.stdout).toMatch(new RegExp(`^::error title=Berth deploy::pr-${brokenPr} not deployed: `, "m"));
    expect(await swarm.stackServices(`${app}-pr-${brokenPr}`)).toEqual([]);
  });

  it("wrong inputs: status=failed with the reason, no stack trace", async () => {
    writeConfig("${BERTH_SSH_KEY_PATH}");
    const r = await runAction(
      "deploy",
      { repository, environment: "qa", sha: "e".repeat(40), "config-dir": configDir },
      { ...sshVariables, BERTH_SSH_KEY_PATH: infra.BERTH_SSH_KEY_PATH! },
    );
    expect(r.code).toBe(1);
    expect(r.outputs.status).toBe("failed");
    expect(r.stdout).toContain("::error title=Berth deploy::environment must be pr-<N>, staging or production");
    expect(r.stdout).not.toMatch(/\n\s+at /);
  });
});
