// Berth deploy action: deploys one environment of the repository to its Swarm over SSH with Berth's own core (same
// deploy configs, templates, rendering, health gate and recovery) and outputs `url` and `status`.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatProblems } from "../../app/core/config/index.js";
import { isCommitSha } from "../../app/core/repository.js";
import { environmentNamed } from "../../app/core/environment-name.js";
import { createFileConfigSource } from "../../app/adapters/config/file-config-source.js";
import { directDeploy } from "../../app/main/direct-deploy.js";
import {
  annotation,
  appendSummary,
  input,
  maskCommand,
  pullRequestOfEvent,
  setOutput,
  variablesInput,
  type Env,
} from "../lib/workflow.js";

export async function deployAction(env: Env, print: (line: string) => void): Promise<number> {
  const variables = variablesInput(env);
  const event = pullRequestOfEvent(env);
  const repository = input(env, "repository", env.GITHUB_REPOSITORY ?? "");
  const environmentName = input(env, "environment", event.pr !== undefined ? `pr-${event.pr}` : "");
  const sha = input(env, "sha", event.headSha ?? env.GITHUB_SHA ?? "");
  const fail = (message: string, at: Parameters<typeof annotation>[2] = {}) => {
    print(annotation("error", message, { title: "Berth deploy", ...at }));
    setOutput(env, "status", "failed", print);
    return 1;
  };
  if (!repository) return fail("input repository is empty and GITHUB_REPOSITORY is not set");
  if (!environmentName)
    return fail("input environment is required outside pull_request events (pr-N, staging or production)");
  if (!isCommitSha(sha)) return fail(`sha must be a full 40-character commit SHA, got ${JSON.stringify(sha)}`);

  const source = createFileConfigSource({
    configDir: input(env, "config-dir", "deploy-configs"),
    templatesDir: input(env, "templates-dir", "templates"),
    variables,
  });
  const entry = await source.forRepository(repository);
  if (!entry) return fail(`no deploy config has repository: ${repository}`);
  if (!entry.config || entry.problems.length > 0) {
    for (const p of entry.problems) print(annotation("error", p.message, { file: p.file, line: p.line, col: p.col }));
    return fail(`invalid deploy config ${entry.file}`);
  }
  let config = entry.config;
  let environment;
  try {
    environment = environmentNamed(config.app, environmentName);
  } catch (e) {
    return fail((e as Error).message);
  }
  // The key may come as a secret instead of a file on the runner: written 0600 to a temp dir, removed afterwards.
  const key = input(env, "ssh-key");
  const keyDir = key ? mkdtempSync(join(tmpdir(), "berth-key-")) : undefined;
  if (key && keyDir) {
    print(maskCommand(key));
    const path = join(keyDir, "id");
    writeFileSync(path, key.endsWith("\n") ? key : `${key}\n`, { mode: 0o600 });
    chmodSync(path, 0o600);
    config = { ...config, ssh: { ...config.ssh, privateKeyPath: path } };
  }
  try {
    print(`deploying ${repository} ${environment.name} (stack ${environment.stack}) at ${sha.slice(0, 12)}`);
    const result = await directDeploy({
      config,
      source,
      environment,
      sha,
      variables,
      onSecret: (value) => print(maskCommand(value)),
      onPhase: (view) =>
        print(
          `  ${view.phase}${view.services.length ? ` (${view.services.map((s) => `${s.service} ${s.running}/${s.desired}`).join(", ")})` : ""}`,
        ),
    });
    setOutput(env, "status", result.status, print);
    setOutput(env, "url", result.url ?? "", print);
    setOutput(env, "stack", result.stack, print);
    if (result.status === "deployed") {
      print(`deployed: ${result.url} in ${(result.durationMs / 1000).toFixed(1)} s`);
      appendSummary(env, `### Berth: ${environment.name} deployed\n\n${result.url} — \`${sha.slice(0, 12)}\``);
      return 0;
    }
    if (result.configProblems) {
      print(formatProblems(result.configProblems));
      for (const p of result.configProblems)
        print(annotation("error", p.message, { file: p.file, line: p.line, col: p.col, title: "Berth config" }));
    }
    for (const p of result.problems ?? []) print(`  task ${p.taskId} of ${p.service}: ${p.state}: ${p.error}`);
    for (const [name, lines] of Object.entries(result.logs ?? {}))
      print(`  --- ${name}\n${lines.map((l) => `  ${l}`).join("\n")}`);
    print(
      annotation("error", `${environment.name} not deployed: ${result.reason ?? "failed"}`, { title: "Berth deploy" }),
    );
    appendSummary(env, `### Berth: ${environment.name} failed\n\n${result.reason ?? ""}`);
    return 1;
  } finally {
    if (keyDir) rmSync(keyDir, { recursive: true, force: true });
  }
}
