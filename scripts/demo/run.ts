// npm run demo: one pull request's life, played through the real Berth process, Redis queue, SSH and Swarm, against
// the local GitHub stand-in (which records what Berth posts). Open → preview live; push → new SHA served;
// close → stack gone. Everything it starts, it stops.
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { startGitHubStandIn } from "../github-stand-in/index.js";
import { readInfraEnv, startBerth, testAppKey } from "../lib/berth-process.js";
import { sendWebhook } from "../lib/webhook-sender.js";
import { deletePrefix } from "../lib/redis-prefix.js";
import { loadPayload } from "../../test/fixtures/webhooks/index.js";
import { previewEnvironment } from "../../app/core/environment.js";
import { describeRecorded, waitForFinalDeploymentStatus, waitForQuiet } from "./recorded.js";

const PR = 123;
const STACK = previewEnvironment("shop", PR).stack;
const step = (s: string) => console.log(`\n\x1b[1m▶ ${s}\x1b[0m`);
const sha = () => randomBytes(20).toString("hex");

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return `${res.status} ${(await res.text()).trim()}`;
}

function swarmLeftovers(): string {
  const services = execFileSync("docker", [
    "service",
    "ls",
    "-q",
    "--filter",
    `label=com.docker.stack.namespace=${STACK}`,
  ])
    .toString()
    .trim();
  const networks = execFileSync("docker", [
    "network",
    "ls",
    "-q",
    "--filter",
    `label=com.docker.stack.namespace=${STACK}`,
  ])
    .toString()
    .trim();
  return [services && `services: ${services}`, networks && `networks: ${networks}`].filter(Boolean).join("; ");
}

const infraEnv = readInfraEnv();
const privateKey = testAppKey();
const github = await startGitHubStandIn({ port: 0, appId: 4242, privateKey });
const berth = await startBerth({
  githubHost: `127.0.0.1:${github.port}`,
  infraEnv,
  privateKey,
  appId: 4242,
  logLevel: "warn",
});
let failed = false;
try {
  console.log(`GitHub stand-in: ${github.url}   Berth: ${berth.url}`);
  const send = (event: string, payload: unknown) =>
    sendWebhook({ url: berth.webhookUrl, event, payload, secret: berth.webhookSecret });

  const headA = sha();
  step(`PR #${PR} opened on acme/shop at ${headA.slice(0, 7)}`);
  let mark = github.requests.length;
  const opened = await send("pull_request", loadPayload("pull_request.opened", { number: PR, headSha: headA }));
  console.log(`webhook answered ${opened.status} in ${opened.ms.toFixed(0)} ms`);
  let final = await waitForFinalDeploymentStatus(github, mark, 240_000);
  await waitForQuiet(github, mark);
  console.log(describeRecorded(github.requests.slice(mark)));
  if (final.state !== "success") throw new Error(`preview deploy ended ${final.state}: ${final.description}`);
  console.log(`preview URL ${final.environment_url} answers: ${await fetchText(final.environment_url!)}`);

  const headB = sha();
  step(`push to PR #${PR}: ${headB.slice(0, 7)}`);
  mark = github.requests.length;
  await send("pull_request", loadPayload("pull_request.synchronize", { number: PR, headSha: headB }));
  final = await waitForFinalDeploymentStatus(github, mark, 240_000);
  await waitForQuiet(github, mark);
  console.log(describeRecorded(github.requests.slice(mark)));
  const served = await fetchText(final.environment_url!);
  console.log(`preview URL ${final.environment_url} answers: ${served}`);
  if (!served.includes(`sha=${headB}`)) throw new Error(`expected the new SHA ${headB} to be served`);

  step(`PR #${PR} closed`);
  mark = github.requests.length;
  await send("pull_request", loadPayload("pull_request.closed", { number: PR, headSha: headB }));
  final = await waitForFinalDeploymentStatus(github, mark, 240_000, ["inactive"]);
  await waitForQuiet(github, mark);
  console.log(describeRecorded(github.requests.slice(mark)));
  const left = swarmLeftovers();
  console.log(left ? `left on the Swarm: ${left}` : `stack ${STACK}: no service or network left on the Swarm`);
  if (left) throw new Error("teardown left resources behind");
  step("demo finished: preview deployed, redeployed, torn down");
} catch (err) {
  failed = true;
  console.error(
    `\ndemo failed: ${(err as Error).message}\n--- Berth output (last 40 lines) ---\n${berth.output().split("\n").slice(-40).join("\n")}`,
  );
} finally {
  await berth.stop();
  await github.close();
  // Leave nothing behind even when a step failed: the stack and this run's Redis keys.
  if (swarmLeftovers()) execFileSync("docker", ["stack", "rm", STACK]);
  await deletePrefix(infraEnv.REDIS_URL ?? "redis://127.0.0.1:6379", berth.queuePrefix);
}
process.exit(failed ? 1 : 0);
