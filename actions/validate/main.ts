// Berth validate action: checks the deploy configs and renders every environment each config enables (a preview,
// staging, production), as the bot would; each problem becomes an ::error annotation at its file:line:col.
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { indexConfigs } from "../../app/core/config/index.js";
import { pointerSegments } from "../../app/core/config/yaml-positions.js";
import type { ConfigProblem, DeployConfig } from "../../app/core/config/types.js";
import { environmentNamed } from "../../app/core/environment-name.js";
import { createFileConfigSource } from "../../app/adapters/config/file-config-source.js";
import { RenderProblems, renderEnvironment, secretPlan } from "../../app/main/cli/render-environment.js";
import {
  annotation,
  appendSummary,
  input,
  pullRequestOfEvent,
  setOutput,
  variablesInput,
  type Env,
} from "../lib/workflow.js";

export async function validateAction(env: Env, print: (line: string) => void): Promise<number> {
  const variables = variablesInput(env);
  const configDir = input(env, "config-dir", "deploy-configs");
  const templatesDir = input(env, "templates-dir", "templates");
  const only = input(env, "repository").toLowerCase();
  const event = pullRequestOfEvent(env);
  const sha = input(env, "sha", event.headSha ?? env.GITHUB_SHA ?? "0".repeat(40));
  const pr = Number(input(env, "pr", String(event.pr ?? 1)));

  const names = (await readdir(configDir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  const files = await Promise.all(
    names.map(async (n) => ({
      file: relative(process.cwd(), join(configDir, n)),
      text: await readFile(join(configDir, n), "utf8"),
    })),
  );
  const index = indexConfigs(files, variables);
  const problems: ConfigProblem[] = [...index.unattributed];
  const source = createFileConfigSource({ configDir, templatesDir, variables });
  const rendered: string[] = [];
  for (const [repository, entry] of index.byRepository) {
    if (only && repository !== only) continue;
    problems.push(...entry.problems);
    if (!entry.config || entry.problems.length > 0) continue;
    for (const name of enabledEnvironments(entry.config, pr)) {
      const environment = environmentNamed(entry.config.app, name);
      try {
        const secrets = await secretPlan(entry.config, environment, variables, false);
        const r = await renderEnvironment({ config: entry.config, source, environment, sha, secrets: secrets.names });
        rendered.push(`${repository} ${name} → ${r.stack} ${r.url}`);
        print(`ok  ${entry.file}: ${name} renders stack ${r.stack} (${r.url})`);
      } catch (e) {
        if (!(e instanceof RenderProblems)) throw e;
        problems.push(...e.problems.map((p) => ({ ...p, message: `${name}: ${p.message}` })));
      }
    }
  }
  for (const p of problems) {
    print(
      annotation("error", p.path ? `${pointerSegments(p.path).join(".")}: ${p.message}` : p.message, {
        file: p.file,
        line: p.line,
        col: p.col,
        title: "Berth config",
      }),
    );
  }
  setOutput(env, "problems", String(problems.length), print);
  setOutput(env, "rendered", String(rendered.length), print);
  appendSummary(
    env,
    problems.length === 0
      ? `### Berth: deploy configs valid\n\n${rendered.map((r) => `- ${r}`).join("\n")}`
      : `### Berth: ${problems.length} problem${problems.length === 1 ? "" : "s"} in deploy configs\n\n` +
          problems.map((p) => `- \`${p.file}:${p.line}:${p.col}\` ${p.message}`).join("\n"),
  );
  print(problems.length === 0 ? `${rendered.length} environments render` : `${problems.length} problems`);
  return problems.length === 0 ? 0 : 1;
}

function enabledEnvironments(config: DeployConfig, pr: number): string[] {
  return [
    ...(config.preview.enabled ? [`pr-${pr}`] : []),
    ...(config.staging.enabled ? ["staging"] : []),
    ...(config.production.enabled ? ["production"] : []),
  ];
}
