// npm run bench:gitops: branch deploys on the local Swarm through the real bot. For each run a push to main deploys
// staging (web-ingress template: pinned ingress, 2 web replicas rolling start-first) while the staging URL is polled
// every 50 ms; then a tag promotes the commit to production. Prints times and failed requests; asserts nothing.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGitHubStandIn } from "../github-stand-in/index.js";
import { readInfraEnv, startBerth, testAppKey } from "../lib/berth-process.js";
import { sendWebhook } from "../lib/webhook-sender.js";
import { waitFor } from "../lib/wait-for.js";
import { deletePrefix } from "../lib/redis-prefix.js";
import { waitForFinalDeploymentStatus, waitForQuiet } from "../demo/recorded.js";
import { pushPayload } from "../../test/fixtures/webhooks/push.js";
import { startPoller } from "../../test/helpers/poller.js";
import { LOCAL_SSH_YAML } from "../lib/local-config.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const REPO = "acme/opsbench";
const STAGING_URL = "http://127.0.0.1:23019";
const sha = () => randomBytes(20).toString("hex");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (xs: number[]) =>
  `median ${(median(xs) / 1000).toFixed(2)} s  (runs: ${xs.map((x) => (x / 1000).toFixed(2)).join(", ")})`;

const infra = readInfraEnv();
const dir = mkdtempSync(join(tmpdir(), "berth-bench-gitops-"));
writeFileSync(
  join(dir, "opsbench.yml"),
  `repository: ${REPO}
app: opsbench
template: web-ingress.yml
${LOCAL_SSH_YAML}
routing: { mode: host-port, domain: ops.localhost, previewPortBase: 23020 }
production: { ciGate: false }
services:
  ingress: { image: berth-test-ingress:1, public: true, pinned: true, port: 8080, healthPath: /healthz }
  web: { image: berth-test-web:1, replicas: 2, port: 8080, healthPath: /healthz }
`,
);
const privateKey = testAppKey();
const github = await startGitHubStandIn({ appId: 4242, privateKey });
const berth = await startBerth({
  githubHost: `127.0.0.1:${github.port}`,
  infraEnv: infra,
  privateKey,
  appId: 4242,
  logLevel: "warn",
  extraEnv: { BERTH_CONFIG_DIR: dir },
});
const send = (payload: unknown) =>
  sendWebhook({ url: berth.webhookUrl, event: "push", payload, secret: berth.webhookSecret });
const serving: number[] = [];
const reported: number[] = [];
const promoted: number[] = [];
const requests: string[] = [];
try {
  // First deploy creates the stacks; the measured runs are updates.
  let mark = github.requests.length;
  await send(pushPayload({ ref: "refs/heads/main", sha: sha(), repository: REPO }));
  await waitForFinalDeploymentStatus(github, mark, 300_000);
  for (let i = 0; i < RUNS; i++) {
    const commit = sha();
    const poller = startPoller(STAGING_URL, 50);
    mark = github.requests.length;
    const t0 = performance.now();
    await send(pushPayload({ ref: "refs/heads/main", sha: commit, repository: REPO }));
    await waitFor(
      "new SHA served",
      async () =>
        (
          await fetch(STAGING_URL)
            .then((r) => r.text())
            .catch(() => "")
        ).includes(commit)
          ? true
          : undefined,
      300_000,
      50,
    );
    serving.push(performance.now() - t0);
    const status = await waitForFinalDeploymentStatus(github, mark, 300_000);
    reported.push(performance.now() - t0);
    const results = await poller.stop();
    requests.push(`${results.filter((r) => !r.ok).length}/${results.length}`);
    if (status.state !== "success") throw new Error(`staging deploy ended ${status.state}: ${status.description}`);
    await waitForQuiet(github, mark);
    mark = github.requests.length;
    const t1 = performance.now();
    await send(pushPayload({ ref: `refs/tags/v1.0.${i}`, sha: commit, repository: REPO }));
    await waitForFinalDeploymentStatus(github, mark, 300_000);
    promoted.push(performance.now() - t1);
    await waitForQuiet(github, mark);
  }
} finally {
  await berth.stop();
  await github.close();
  for (const stack of ["opsbench-staging", "opsbench"])
    if (
      execFileSync("docker", ["service", "ls", "-q", "--filter", `label=com.docker.stack.namespace=${stack}`])
        .toString()
        .trim()
    )
      execFileSync("docker", ["stack", "rm", stack]);
  await deletePrefix(infra.REDIS_URL ?? "redis://127.0.0.1:6379", berth.queuePrefix);
  rmSync(dir, { recursive: true, force: true });
}
console.log(`\nStaging rolling update (ingress + 2 web replicas, start-first), ${RUNS} runs, this machine:`);
console.log(`  push webhook → new SHA served                   ${fmt(serving)}`);
console.log(`  push webhook → deployment status success         ${fmt(reported)}`);
console.log(`  failed/total requests at 50 ms during each update ${requests.join(", ")}`);
console.log(`  tag webhook → production success (promotion)     ${fmt(promoted)}`);
process.exit(0);
