// npm run demo: a pull request's whole life, played through the real Berth process, Redis queue, SSH and Swarm,
// against the local GitHub stand-in (which records what Berth posts; the demo prints it as a user would see it):
// PR opened → preview live → `/scale web 3` → merged (push to main) → staging deployed → tag v1.0.0 → production
// (the very image staging ran) → PR closed → preview torn down. The status page runs beside it (its URL and token
// are printed), and the audit trail is printed at the end. Everything it starts, it stops.
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGitHubStandIn } from "../github-stand-in/index.js";
import { setPullRequest } from "../github-stand-in/routes-commands.js";
import { readInfraEnv, startBerth, testAppKey } from "../lib/berth-process.js";
import { sendWebhook } from "../lib/webhook-sender.js";
import { deletePrefix } from "../lib/redis-prefix.js";
import { waitFor } from "../lib/wait-for.js";
import { LOCAL_SSH_YAML } from "../lib/local-config.js";
import { loadPayload } from "../../test/fixtures/webhooks/index.js";
import { pushPayload } from "../../test/fixtures/webhooks/push.js";
import { issueCommentPayload } from "../../test/fixtures/webhooks/issue_comment.js";
import { cli } from "../../app/main/cli.js";
import { previewEnvironment, productionEnvironment, stagingEnvironment } from "../../app/core/environment.js";
import { describeRecorded, waitForFinalDeploymentStatus, waitForQuiet } from "./recorded.js";

const REPO = "acme/shop";
const PR = 123;
const STACKS = [
  previewEnvironment("shop", PR).stack,
  stagingEnvironment("shop").stack,
  productionEnvironment("shop").stack,
];
const started = Date.now();
const clock = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s`;
const step = (s: string) => console.log(`\n\x1b[1m▶ [${clock()}] ${s}\x1b[0m`);
const sha = () => randomBytes(20).toString("hex");
const docker = (...args: string[]) => execFileSync("docker", args).toString().trim();
const leftovers = (stack: string) =>
  docker("service", "ls", "-q", "--filter", `label=com.docker.stack.namespace=${stack}`) ||
  docker("network", "ls", "-q", "--filter", `label=com.docker.stack.namespace=${stack}`);

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return `${res.status} ${(await res.text()).trim()}`;
}

// The demo's own config: the shop behind an in-stack ingress, so `/scale web 3` runs three replicas behind one
// published port (preview 20000+N, staging 19999, production 19998).
const configDir = mkdtempSync(join(tmpdir(), "berth-demo-"));
writeFileSync(
  join(configDir, "shop.yml"),
  `repository: ${REPO}
app: shop
template: web-ingress.yml
${LOCAL_SSH_YAML}
routing: { mode: host-port, domain: preview.localhost, previewPortBase: 20000 }
preview: { healthTimeoutSeconds: 180, maxFailedTasks: 3 }
staging: { branch: main, ciGate: false, healthTimeoutSeconds: 240 }
production: { healthTimeoutSeconds: 240, maxFailedTasks: 3 }
commands: { replicaQuota: 4 }
services:
  ingress:
    image: berth-test-ingress:1
    public: true
    pinned: true
    port: 8080
    healthPath: /healthz
  web:
    image: \${BERTH_TEST_IMAGE:-berth-test-web:1}
    replicas: 1
    maxReplicas: 3
    port: 8080
    healthPath: /healthz
`,
);

const infraEnv = readInfraEnv();
const privateKey = testAppKey();
const statusToken = randomBytes(18).toString("base64url");
const github = await startGitHubStandIn({ port: 0, appId: 4242, privateKey });
const berth = await startBerth({
  githubHost: `127.0.0.1:${github.port}`,
  infraEnv,
  privateKey,
  appId: 4242,
  logLevel: "warn",
  extraEnv: { BERTH_CONFIG_DIR: configDir, BERTH_STATUS_TOKEN: statusToken },
});
let failed = false;
try {
  console.log(`GitHub stand-in: ${github.url}   Berth: ${berth.url}`);
  console.log(`Status page: ${berth.url}/status  (token ${statusToken}: the login form, or Authorization: Bearer)`);
  const send = (event: string, payload: unknown) =>
    sendWebhook({ url: berth.webhookUrl, event, payload, secret: berth.webhookSecret });
  const show = async (mark: number) => {
    await waitForQuiet(github, mark);
    console.log(
      describeRecorded(github.requests.slice(mark), (id) => String(github.state.checkRuns.get(id)?.name ?? "")),
    );
  };
  const head = sha();

  step(`PR #${PR} opened on ${REPO} at ${head.slice(0, 7)}`);
  let mark = github.requests.length;
  const opened = await send("pull_request", loadPayload("pull_request.opened", { number: PR, headSha: head }));
  console.log(`webhook answered ${opened.status} in ${opened.ms.toFixed(0)} ms`);
  let final = await waitForFinalDeploymentStatus(github, mark, 240_000);
  await show(mark);
  if (final.state !== "success") throw new Error(`preview deploy ended ${final.state}: ${final.description}`);
  console.log(`preview ${final.environment_url} answers: ${await fetchText(final.environment_url!)}`);

  step(`@octocat (write permission) comments "/scale web 3" on PR #${PR}`);
  setPullRequest(github.state, REPO, { number: PR, headSha: head });
  github.setPermission(REPO, "octocat", "write");
  mark = github.requests.length;
  await send("issue_comment", issueCommentPayload({ number: PR, body: "/scale web 3", authorAssociation: "MEMBER" }));
  const reply = await waitFor(
    "Berth's reply to /scale",
    () =>
      github.requests
        .slice(mark)
        .find((r) => r.method === "POST" && r.path.endsWith(`/issues/${PR}/comments`) && /scale/.test(r.body?.body)),
    240_000,
    250,
  );
  await show(mark);
  if (!/runs 3\/3/.test(reply.body.body)) throw new Error(`/scale did not reach 3/3: ${reply.body.body}`);

  const merge = sha();
  step(`PR #${PR} merged: GitHub pushes merge commit ${merge.slice(0, 7)} to main`);
  mark = github.requests.length;
  await send("push", pushPayload({ ref: "refs/heads/main", sha: merge, repository: REPO }));
  final = await waitForFinalDeploymentStatus(github, mark, 300_000);
  await show(mark);
  if (final.state !== "success") throw new Error(`staging deploy ended ${final.state}: ${final.description}`);
  console.log(`staging ${final.environment_url} answers: ${await fetchText(final.environment_url!)}`);

  step(`tag v1.0.0 pushed on ${merge.slice(0, 7)} → production (promotes the image staging ran)`);
  mark = github.requests.length;
  await send("push", pushPayload({ ref: "refs/tags/v1.0.0", sha: merge, repository: REPO }));
  final = await waitForFinalDeploymentStatus(github, mark, 300_000);
  await show(mark);
  if (final.state !== "success") throw new Error(`production deploy ended ${final.state}: ${final.description}`);
  console.log(`production ${final.environment_url} answers: ${await fetchText(final.environment_url!)}`);

  const page = await (
    await fetch(`${berth.url}/status`, { headers: { authorization: `Bearer ${statusToken}` } })
  ).text();
  const live = [...page.matchAll(/<tr>\s*<td><b>([^<]+)<\/b>/g)].map((m) => m[1]);
  console.log(`\nstatus page ${berth.url}/status lists: ${live.join(", ")}`);

  step(`PR #${PR} closed (merged) → preview torn down`);
  mark = github.requests.length;
  await send("pull_request", loadPayload("pull_request.closed", { number: PR, headSha: head, merged: true }));
  await waitForFinalDeploymentStatus(github, mark, 240_000, ["inactive"]);
  await show(mark);
  await waitFor("the preview's stack and network to go", () => (leftovers(STACKS[0]!) ? undefined : true), 60_000, 500);
  console.log(`stack ${STACKS[0]}: no service or network left on the Swarm`);

  step("the audit trail (berth audit acme/shop)");
  await cli(["audit", REPO, "--limit", "20"], { REDIS_URL: infraEnv.REDIS_URL, BERTH_QUEUE_PREFIX: berth.queuePrefix });
  step(`demo finished in ${clock().trim()}: preview → /scale → staging → production → torn down`);
} catch (err) {
  failed = true;
  console.error(
    `\ndemo failed: ${(err as Error).message}\n--- Berth output (last 40 lines) ---\n${berth.output().split("\n").slice(-40).join("\n")}`,
  );
} finally {
  await berth.stop();
  await github.close();
  // Leave nothing behind even when a step failed: the stacks and this run's Redis keys.
  for (const stack of STACKS) if (leftovers(stack)) docker("stack", "rm", stack);
  await deletePrefix(infraEnv.REDIS_URL ?? "redis://127.0.0.1:6379", berth.queuePrefix);
  rmSync(configDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
