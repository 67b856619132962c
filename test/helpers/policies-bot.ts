// One real Berth process + GitHub stand-in + a temp config dir, for the policies E2E files. Apps start with "pol",
// PRs are 600-699, host ports 22000 + PR (this engineer's share of the one Swarm).
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { startGitHubStandIn, type GitHubStandIn } from "../../scripts/github-stand-in/index.js";
import { startBerth, testAppKey, type BerthProcess } from "../../scripts/lib/berth-process.js";
import { sendWebhook } from "../../scripts/lib/webhook-sender.js";
import { deletePrefix } from "../../scripts/lib/redis-prefix.js";
import { waitFor } from "../../scripts/lib/wait-for.js";
import { removeAndWait } from "../../scripts/lib/stack-cleanup.js";
import { infraEnv } from "./infra.js";
import { LOCAL_SSH_YAML } from "../../scripts/lib/local-config.js";

export const PORT_BASE = 22000;
export const sha = () => randomBytes(20).toString("hex");
export const docker = (...args: string[]) =>
  execFileSync("docker", args, { stdio: ["ignore", "pipe", "pipe"] })
    .toString()
    .trim();
export const stackLabel = (stack: string) => `label=com.docker.stack.namespace=${stack}`;

/** A host-port deploy config for acme/<app> on the local Swarm; `preview`, `services.web` and top-level extras appended. */
export function polConfig(
  app: string,
  o: { preview?: string[]; web?: string[]; top?: string[]; image?: string; template?: string } = {},
): string {
  return [
    `repository: acme/${app}`,
    `app: ${app}`,
    `template: ${o.template ?? "web-service.yml"}`,
    LOCAL_SSH_YAML,
    `routing: { mode: host-port, domain: preview.localhost, previewPortBase: ${PORT_BASE} }`,
    "preview:",
    "  healthTimeoutSeconds: 90",
    "  maxFailedTasks: 2",
    ...(o.preview ?? []).map((l) => `  ${l}`),
    ...(o.top ?? []),
    "services:",
    "  web:",
    `    image: ${o.image ?? "${BERTH_TEST_IMAGE}"}`,
    "    public: true",
    "    port: 8080",
    "    healthPath: /healthz",
    ...(o.web ?? []).map((l) => `    ${l}`),
    "",
  ].join("\n");
}

export interface PolicyBot {
  github: GitHubStandIn;
  berth: BerthProcess;
  configDir: string;
  send(event: string, payload: unknown): ReturnType<typeof sendWebhook>;
  /** Requests Berth sent after `mark`, without token exchanges. */
  since(mark: number): GitHubStandIn["requests"];
  stop(stacks: string[]): Promise<void>;
}

export async function startPolicyBot(
  configs: Record<string, string>,
  extraEnv: Record<string, string> = {},
  templates: Record<string, string> = {},
): Promise<PolicyBot> {
  const configDir = mkdtempSync(join(tmpdir(), "berth-pol-"));
  for (const [name, text] of Object.entries(configs)) writeFileSync(join(configDir, `${name}.yml`), text);
  // Extra templates beside copies of the shipped ones, in a directory of the test's own.
  const templatesDir = join(configDir, "templates");
  cpSync("templates", templatesDir, { recursive: true });
  for (const [name, text] of Object.entries(templates)) writeFileSync(join(templatesDir, name), text);
  const privateKey = testAppKey();
  const github = await startGitHubStandIn({ appId: 4242, privateKey });
  const berth = await startBerth({
    githubHost: `127.0.0.1:${github.port}`,
    infraEnv: infraEnv(),
    privateKey,
    appId: 4242,
    extraEnv: { BERTH_CONFIG_DIR: configDir, BERTH_TEMPLATES_DIR: templatesDir, ...extraEnv },
  });
  return {
    github,
    berth,
    configDir,
    send: (event, payload) => sendWebhook({ url: berth.webhookUrl, event, payload, secret: berth.webhookSecret }),
    since: (mark) => github.requests.slice(mark).filter((r) => !r.path.endsWith("/access_tokens")),
    async stop(stacks) {
      if (process.env.BERTH_E2E_VERBOSE)
        console.log(`--- Berth output (tail) ---\n${berth.output().split("\n").slice(-80).join("\n")}`);
      await berth.stop();
      await github.close();
      for (const stack of stacks) {
        await removeAndWait(stack, 60_000);
        for (const secret of docker("secret", "ls", "-q", "--filter", `label=berth.stack=${stack}`)
          .split("\n")
          .filter(Boolean)) {
          try {
            docker("secret", "rm", secret);
          } catch {
            // still referenced by a service being removed; stack rm takes it with it shortly
          }
        }
      }
      await deletePrefix(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", berth.queuePrefix);
      rmSync(configDir, { recursive: true, force: true });
    },
  };
}

/** The last check run update (or creation) Berth sent for `repo` after `mark`. */
export function lastCheck(bot: PolicyBot, mark: number, repo: string) {
  return bot
    .since(mark)
    .filter((r) => r.path.includes("/check-runs") && r.path.startsWith(`/repos/${repo}/`) && r.method !== "GET")
    .at(-1)?.body;
}

export function commentOf(bot: PolicyBot, repo: string, pr: number): string | undefined {
  return [...bot.github.state.comments.values()].find((c) => c.repository === repo && c.issue === pr)?.body;
}

/** The sticky comment once it contains `text`. Comment edits are spaced ≥ 3 s by GitHub's write throttling, so under
 *  load they can trail the check run and the deployment status: wait for the content, not for quiet. */
export async function commentContaining(
  bot: PolicyBot,
  repo: string,
  pr: number,
  text: string,
  timeoutMs = 30_000,
): Promise<string> {
  try {
    return await waitFor(
      `the comment on ${repo}#${pr} to say ${JSON.stringify(text)}`,
      () => {
        const body = commentOf(bot, repo, pr);
        return body?.includes(text) ? body : undefined;
      },
      timeoutMs,
      100,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; it says:\n${commentOf(bot, repo, pr) ?? "(no comment)"}`);
  }
}
