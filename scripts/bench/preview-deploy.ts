// npm run bench: time from a signed pull_request webhook to Berth's reported success (deployment status success),
// beside the same rendered stack deployed by hand with `docker stack deploy` on the manager and polled until it
// serves. Both on the local Swarm; traffic only to 127.0.0.1. Prints a table; asserts nothing.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { startGitHubStandIn } from "../github-stand-in/index.js";
import { readInfraEnv, startBerth, testAppKey } from "../lib/berth-process.js";
import { sendWebhook } from "../lib/webhook-sender.js";
import { waitFor } from "../lib/wait-for.js";
import { deletePrefix } from "../lib/redis-prefix.js";
import { waitForFinalDeploymentStatus, waitForQuiet } from "../demo/recorded.js";
import { loadPayload } from "../../test/fixtures/webhooks/index.js";
import { parseDeployConfig } from "../../app/core/config/index.js";
import { renderStack } from "../../app/core/render/index.js";
import { previewEnvironment } from "../../app/core/environment.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PR = 190;
const sha = () => randomBytes(20).toString("hex");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const label = (stack: string) => `label=com.docker.stack.namespace=${stack}`;

async function servesSha(url: string, commit: string, timeoutMs: number): Promise<void> {
  await waitFor(
    `${url} to serve ${commit.slice(0, 7)}`,
    async () => {
      try {
        const body = await (await fetch(url, { signal: AbortSignal.timeout(1000) })).text();
        return body.includes(commit) ? true : undefined;
      } catch {
        return undefined;
      }
    },
    timeoutMs,
    50,
  );
}

async function removeAndWait(stack: string): Promise<void> {
  if (
    execFileSync("docker", ["service", "ls", "-q", "--filter", label(stack)])
      .toString()
      .trim()
  )
    execFileSync("docker", ["stack", "rm", stack]);
  await waitFor(
    `${stack} gone`,
    () =>
      execFileSync("docker", ["network", "ls", "-q", "--filter", label(stack)])
        .toString()
        .trim()
        ? undefined
        : true,
    120_000,
    500,
  );
}

const infra = readInfraEnv();
const parsed = parseDeployConfig("deploy-configs/shop.yml", readFileSync("deploy-configs/shop.yml", "utf8"), infra);
if (!parsed.config) throw new Error(`deploy-configs/shop.yml: ${JSON.stringify(parsed.problems)}`);
const environment = previewEnvironment("shop", PR);
const template = readFileSync("templates/web-service.yml", "utf8");

const byHand: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const commit = sha();
  const rendered = renderStack({
    config: parsed.config,
    templateFile: "web-service.yml",
    templateText: template,
    environment,
    sha: commit,
  });
  const t0 = performance.now();
  execFileSync("docker", ["stack", "deploy", "--resolve-image", "never", "-c", "-", environment.stack], {
    input: rendered.yaml,
    stdio: ["pipe", "ignore", "ignore"],
  });
  await servesSha(rendered.url, commit, 120_000);
  byHand.push(performance.now() - t0);
  await removeAndWait(environment.stack);
}

const privateKey = testAppKey();
const github = await startGitHubStandIn({ appId: 4242, privateKey });
const berth = await startBerth({
  githubHost: `127.0.0.1:${github.port}`,
  infraEnv: infra,
  privateKey,
  appId: 4242,
  logLevel: "warn",
});
const ack: number[] = [];
const reported: number[] = [];
const serving: number[] = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const commit = sha();
    const mark = github.requests.length;
    const t0 = performance.now();
    const res = await sendWebhook({
      url: berth.webhookUrl,
      event: "pull_request",
      payload: loadPayload("pull_request.opened", { number: PR, headSha: commit }),
      secret: berth.webhookSecret,
    });
    ack.push(res.ms);
    const done = waitForFinalDeploymentStatus(github, mark, 180_000).then((s) => {
      if (s.state !== "success") throw new Error(`deploy ended ${s.state}: ${s.description}`);
      reported.push(performance.now() - t0);
      return s;
    });
    await servesSha(`http://127.0.0.1:${20000 + PR}`, commit, 180_000);
    serving.push(performance.now() - t0);
    await done;
    await waitForQuiet(github, mark);
    const closeMark = github.requests.length;
    await sendWebhook({
      url: berth.webhookUrl,
      event: "pull_request",
      payload: loadPayload("pull_request.closed", { number: PR, headSha: commit }),
      secret: berth.webhookSecret,
    });
    await waitForFinalDeploymentStatus(github, closeMark, 180_000, ["inactive"]);
  }
} finally {
  await berth.stop();
  await github.close();
  await removeAndWait(environment.stack);
  await deletePrefix(infra.REDIS_URL ?? "redis://127.0.0.1:6379", berth.queuePrefix);
}

const fmt = (xs: number[]) =>
  `median ${(median(xs) / 1000).toFixed(2)} s  (runs: ${xs.map((x) => (x / 1000).toFixed(2)).join(", ")})`;
console.log(`\nOne busybox web service, preview stack ${environment.stack}, ${RUNS} runs each, this machine:`);
console.log(`  by hand: docker stack deploy on the manager → URL serves the SHA   ${fmt(byHand)}`);
console.log(`  Berth: webhook acknowledged                                        median ${median(ack).toFixed(0)} ms`);
console.log(`  Berth: webhook → URL serves the SHA                                ${fmt(serving)}`);
console.log(`  Berth: webhook → deployment status success reported                ${fmt(reported)}`);
process.exit(0);
