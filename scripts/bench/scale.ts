// npm run bench (second part): time from a `/scale web 3` comment webhook to Berth reporting "3/3" (the check run
// completed with web 3/3, and the reply comment), beside a raw `docker service scale --detach=false` over the same
// SSH connection kind (Berth's pool, sshd on 127.0.0.1) on the same machine. The service scales behind the stack's
// ingress (web-ingress template); between runs it goes back to 1. Prints medians; asserts nothing.
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { startGitHubStandIn } from "../github-stand-in/index.js";
import { commandState, setPullRequest } from "../github-stand-in/routes-commands.js";
import { readInfraEnv, startBerth, testAppKey } from "../lib/berth-process.js";
import { sendWebhook } from "../lib/webhook-sender.js";
import { waitFor } from "../lib/wait-for.js";
import { deletePrefix } from "../lib/redis-prefix.js";
import { waitForFinalDeploymentStatus, waitForQuiet } from "../demo/recorded.js";
import { loadPayload } from "../../test/fixtures/webhooks/index.js";
import { issueCommentPayload } from "../../test/fixtures/webhooks/issue_comment.js";
import { commandReplyMarker } from "../../app/core/commands/replies.js";
import { createSshPool } from "../../app/adapters/ssh/pool.js";
import { previewEnvironment } from "../../app/core/environment.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const REPO = "acme/cmdshop";
const PR = 590;
const STACK = previewEnvironment("cmdshop", PR).stack;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const label = `label=com.docker.stack.namespace=${STACK}`;
const infra = readInfraEnv();
const target = {
  host: infra.BERTH_SSH_HOST!,
  port: Number(infra.BERTH_SSH_PORT),
  user: infra.BERTH_SSH_USER!,
  privateKeyPath: infra.BERTH_SSH_KEY_PATH!,
  hostKey: infra.BERTH_SSH_HOST_KEY!,
};

const configDir = mkdtempSync(join(tmpdir(), "berth-bench-scale-"));
copyFileSync("test/fixtures/configs/cmdshop.yml", join(configDir, "cmdshop.yml"));
const privateKey = testAppKey();
const github = await startGitHubStandIn({ appId: 4242, privateKey });
github.setPermission(REPO, "wendy", "write");
const berth = await startBerth({
  githubHost: `127.0.0.1:${github.port}`,
  infraEnv: infra,
  privateKey,
  appId: 4242,
  logLevel: "warn",
  extraEnv: { BERTH_CONFIG_DIR: configDir },
});
const pool = createSshPool();
const replied: number[] = [];
const checked: number[] = [];
const raw: number[] = [];
const rawPolled: number[] = [];

async function comment(body: string): Promise<{ replyMs: number; checkMs: number }> {
  const mark = github.requests.length;
  const payload = issueCommentPayload({ repository: REPO, number: PR, body, user: { login: "wendy" } });
  const t0 = performance.now();
  await sendWebhook({ url: berth.webhookUrl, event: "issue_comment", payload, secret: berth.webhookSecret });
  let checkMs = 0;
  const marker = commandReplyMarker(payload.comment.id);
  await waitFor(
    "the reply",
    () => {
      if (
        !checkMs &&
        github.requests
          .slice(mark)
          .some((r) => r.method === "PATCH" && /\/check-runs\/\d+$/.test(r.path) && r.body?.conclusion === "success")
      )
        checkMs = performance.now() - t0;
      return [...github.state.comments.values()].some((c) => c.body.includes(marker)) ? true : undefined;
    },
    180_000,
    20,
  );
  const replyMs = performance.now() - t0;
  const reply = [...github.state.comments.values()].find((c) => c.body.includes(marker))!.body as string;
  if (!reply.includes("🚀")) throw new Error(`${body} failed:\n${reply}`);
  if (!commandState(github.state).reactions.some((r) => r.commentId === payload.comment.id && r.content === "rocket"))
    throw new Error("no 🚀");
  await waitForQuiet(github, mark);
  return { replyMs, checkMs };
}

async function rawScale(n: number): Promise<number> {
  const t0 = performance.now();
  const r = await pool.exec(target, ["docker", "service", "scale", "--detach=false", `${STACK}_web=${n}`], {
    timeoutMs: 120_000,
  });
  if (r.code !== 0) throw new Error(`docker service scale: ${r.stderr}`);
  return performance.now() - t0;
}

// The CLI's converge wait also sits out the service's update monitor window; polling `docker service ls` shows when
// the tasks themselves are running (healthy: web has a healthcheck).
async function rawScalePolled(n: number): Promise<number> {
  const t0 = performance.now();
  const r = await pool.exec(target, ["docker", "service", "scale", "--detach", `${STACK}_web=${n}`], {
    timeoutMs: 60_000,
  });
  if (r.code !== 0) throw new Error(`docker service scale: ${r.stderr}`);
  await waitFor(
    `${STACK}_web ${n}/${n}`,
    async () => {
      const ls = await pool.exec(
        target,
        ["docker", "service", "ls", "--filter", `name=${STACK}_web`, "--format", "{{.Replicas}}"],
        { timeoutMs: 30_000 },
      );
      return ls.stdout.trim() === `${n}/${n}` ? true : undefined;
    },
    120_000,
    50,
  );
  return performance.now() - t0;
}

try {
  const head = randomBytes(20).toString("hex");
  setPullRequest(github.state, REPO, { number: PR, headSha: head });
  const mark = github.requests.length;
  await sendWebhook({
    url: berth.webhookUrl,
    event: "pull_request",
    payload: loadPayload("pull_request.opened", { repository: REPO, number: PR, headSha: head }),
    secret: berth.webhookSecret,
  });
  const opened = await waitForFinalDeploymentStatus(github, mark, 180_000);
  if (opened.state !== "success") throw new Error(`preview did not deploy: ${opened.description}`);
  await waitForQuiet(github, mark);
  for (let i = 0; i < RUNS; i++) {
    const up = await comment("/scale web 3");
    replied.push(up.replyMs);
    checked.push(up.checkMs);
    await comment("/scale web 1");
  }
  // Berth's stored count is 1 now, so raw scaling below does not fight a later deploy.
  for (let i = 0; i < RUNS; i++) {
    raw.push(await rawScale(3));
    await rawScale(1);
    rawPolled.push(await rawScalePolled(3));
    await rawScale(1);
  }
} finally {
  await berth.stop();
  await github.close();
  await pool.closeAll();
  if (execFileSync("docker", ["service", "ls", "-q", "--filter", label]).toString().trim())
    execFileSync("docker", ["stack", "rm", STACK]);
  await deletePrefix(infra.REDIS_URL ?? "redis://127.0.0.1:6379", berth.queuePrefix);
  rmSync(configDir, { recursive: true, force: true });
}

const fmt = (xs: number[]) =>
  `median ${(median(xs) / 1000).toFixed(2)} s  (runs: ${xs.map((x) => (x / 1000).toFixed(2)).join(", ")})`;
console.log(`\n/scale web 1 → 3 behind the in-stack ingress, preview ${STACK}, ${RUNS} runs each, this machine:`);
console.log(`  raw: docker service scale --detach=false over SSH → 3/3 running      ${fmt(raw)}`);
console.log(`  raw: docker service scale --detach, poll service ls until 3/3       ${fmt(rawPolled)}`);
console.log(`  Berth: /scale comment webhook → check run "success" with web 3/3     ${fmt(checked)}`);
console.log(`  Berth: /scale comment webhook → reply "3/3 healthy" (and 🚀)         ${fmt(replied)}`);
process.exit(0);
