// npm run bench: how fast Berth says what Swarm did, each figure beside its floor measured in the same run — the
// same rendered stack driven by the docker CLI on the manager and polled. GitHub is the local stand-in, which counts
// writes (and, for the burst, enforces GitHub's 80 writes/min and 500/h per installation). Prints ONE table and
// writes the raw figures to bench-results/bench.json. Asserts nothing.
//   BENCH_RUNS (3)   runs of each paired measurement      BERTH_BENCH_BURST (10)   PRs opened at once (100: the goal)
//   BENCH_ONLY       comma list of sections to run: open,push,staging,scale,burst,ack,registry
//   BERTH_BENCH_BURST_TEMPLATE (web-service.yml)   the burst's template; web-service-unchecked.yml for 100
//                    (registry: Berth runs with BERTH_DISCOVERY=etcd, the real etcd of scripts/infra/up.sh)
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { startGitHubStandIn } from "../github-stand-in/index.js";
import { setPullRequest } from "../github-stand-in/routes-commands.js";
import { readInfraEnv, startBerth, testAppKey } from "../lib/berth-process.js";
import { sendWebhook } from "../lib/webhook-sender.js";
import { waitFor } from "../lib/wait-for.js";
import { deletePrefix } from "../lib/redis-prefix.js";
import { LOCAL_SSH_YAML } from "../lib/local-config.js";
import { loadPayload } from "../../test/fixtures/webhooks/index.js";
import { pushPayload } from "../../test/fixtures/webhooks/push.js";
import { issueCommentPayload } from "../../test/fixtures/webhooks/issue_comment.js";
import { commandReplyMarker } from "../../app/core/commands/replies.js";
import { parseDeployConfig } from "../../app/core/config/index.js";
import { renderStack } from "../../app/core/render/index.js";
import { previewEnvironment, stagingEnvironment } from "../../app/core/environment.js";
import type { EnvironmentRef } from "../../app/core/environment-types.js";
import * as b from "./speed-lib.js";
import { waitForFinalDeploymentStatus } from "../demo/recorded.js";
import { registeredAfterHealthy } from "./registry-row.js";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { QUEUE_NAME } from "../../app/queue/keys.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BURST = Number(process.env.BERTH_BENCH_BURST ?? 10);
// web-service-unchecked.yml for 100: on two cores, 100 containers' exec healthchecks every 2 s take both cores, by
// hand as much as through Berth (see the template's header).
const BURST_TEMPLATE = process.env.BERTH_BENCH_BURST_TEMPLATE ?? "web-service.yml";
const ONLY = new Set((process.env.BENCH_ONLY ?? "open,push,staging,scale,burst,ack,registry").split(","));
const sha = () => randomBytes(20).toString("hex");
const infra = readInfraEnv();
const dir = mkdtempSync(join(tmpdir(), "berth-bench-"));

const CONFIGS: Record<string, string> = {
  perf: `repository: acme/perf
app: perf
template: web-service.yml
${LOCAL_SSH_YAML}
routing: { mode: host-port, domain: perf.localhost, previewPortBase: 24100 }
preview: { healthTimeoutSeconds: 240, maxFailedTasks: 3 }
services:
  web: { image: berth-test-web:1, public: true, port: 8080, healthPath: /healthz, replicas: 1 }
`,
  perfin: `repository: acme/perfin
app: perfin
template: web-ingress.yml
${LOCAL_SSH_YAML}
routing: { mode: host-port, domain: perf.localhost, previewPortBase: 24100 }
preview: { healthTimeoutSeconds: 240, maxFailedTasks: 3 }
staging: { branch: main, ciGate: false, healthTimeoutSeconds: 240 }
commands: { replicaQuota: 6 }
services:
  ingress: { image: berth-test-ingress:1, public: true, pinned: true, port: 8080, healthPath: /healthz }
  web: { image: berth-test-web:1, port: 8080, healthPath: /healthz, replicas: 1, maxReplicas: 4 }
`,
  discbench: `repository: acme/discbench
app: discbench
template: web-service.yml
${LOCAL_SSH_YAML}
routing: { mode: host-port, domain: perf.localhost, previewPortBase: 25900 }
preview: { healthTimeoutSeconds: 240, maxFailedTasks: 3 }
services:
  web: { image: berth-test-web:1, public: true, port: 8080, healthPath: /healthz, replicas: 1 }
`,
  perfb: `repository: acme/perfb
app: perfb
template: ${BURST_TEMPLATE}
${LOCAL_SSH_YAML}
routing: { mode: host-port, domain: perf.localhost, previewPortBase: 22100 }
preview: { healthTimeoutSeconds: 600, maxFailedTasks: 3 }
services:
  web:
    image: berth-test-web:1
    public: true
    port: 8080
    healthPath: /healthz
    replicas: 1
    # The default reservation (0.05 CPU) fits 40 tasks on two cores: Swarm leaves the 41st preview pending.
    resources: { reservations: { cpus: 0.01 } }
`,
};
for (const [name, text] of Object.entries(CONFIGS)) writeFileSync(join(dir, `${name}.yml`), text);

function rendered(app: string, env: EnvironmentRef, commit: string) {
  const parsed = parseDeployConfig(`${app}.yml`, CONFIGS[app]!, infra);
  if (!parsed.config) throw new Error(`${app}: ${JSON.stringify(parsed.problems)}`);
  const file = parsed.config.template;
  return renderStack({
    config: parsed.config,
    templateFile: file,
    templateText: readFileSync(join("templates", file), "utf8"),
    environment: env,
    sha: commit,
  });
}

const privateKey = testAppKey();
const github = await startGitHubStandIn({ appId: 4242, privateKey });
github.setPermission("acme/perfin", "wendy", "write");
const berth = await startBerth({
  githubHost: `127.0.0.1:${github.port}`,
  infraEnv: infra,
  privateKey,
  appId: 4242,
  logLevel: "info",
  // e.g. BENCH_BOT_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to see where the bot's time goes
  nodeArgs: process.env.BENCH_BOT_NODE_ARGS?.split(" ").filter(Boolean),
  ...(process.env.BENCH_BOT_ENTRY ? { entry: process.env.BENCH_BOT_ENTRY as "start-server.ts" } : {}),
  extraEnv: {
    BERTH_CONFIG_DIR: dir,
    // The registry row needs registration; other rows then register too (one etcd write after healthy).
    ...(ONLY.has("registry") ? { BERTH_DISCOVERY: "etcd", BERTH_ETCD_ENDPOINTS: infra.BERTH_ETCD_ENDPOINTS! } : {}),
  },
});
const pid = berth.child.pid!;
const hook = (event: string, payload: unknown) =>
  sendWebhook({ url: berth.webhookUrl, event, payload, secret: berth.webhookSecret });

// Sampled all along: the bot's memory and its TCP connections to sshd.
const sshPort = Number(infra.BERTH_SSH_PORT);
const sshConnections = new Set<string>();
let peakRss = 0;
let sampling = false;
const sampler = setInterval(() => {
  try {
    peakRss = Math.max(peakRss, b.rssMb(pid));
  } catch {
    return; // the process is gone
  }
  if (sampling) return;
  sampling = true;
  void b
    .connectionsTo(pid, sshPort)
    .then((cs) => cs.forEach((c) => sshConnections.add(c)))
    .catch(() => undefined)
    .finally(() => (sampling = false));
}, 100);
let deploysWatched = 0;

async function activeJobs(): Promise<string[]> {
  const connection = new Redis(infra.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUE_NAME, { connection, prefix: berth.queuePrefix });
  try {
    const jobs = await queue.getActive();
    return jobs.map((j) => {
      const d = j.data as { kind?: string; repository?: string; pr?: number };
      return `${j.id} ${d.kind} ${d.repository}${d.pr ? `#${d.pr}` : ""} for ${((Date.now() - (j.processedOn ?? Date.now())) / 1000).toFixed(1)} s`;
    });
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

const raw: Record<string, unknown> = { runs: RUNS, burst: BURST, at: new Date().toISOString() };
interface Row {
  what: string;
  berth: number;
  floor?: number;
  unit: "s" | "ms" | "" | "MB";
  goal: string;
  met: boolean;
}
const rows: Row[] = [];
let failure: Error | undefined;
const ratioRow = (what: string, berthMs: number[], floorMs: number[], limit: number, extra = "") => {
  const ratios = berthMs.map((x, i) => x / floorMs[i]!);
  const r = b.median(ratios);
  rows.push({
    what,
    berth: b.median(berthMs) / 1000,
    floor: b.median(floorMs) / 1000,
    unit: "s",
    goal: `÷ floor ≤ ${limit}${extra}`,
    met: r <= limit,
  });
  return r;
};

/** PR opened → first success reported, for one app; the same stack by hand as the floor, paired run by run. */
async function openToSuccess(app: string, pr: number) {
  const env = previewEnvironment(app, pr);
  const floor: number[] = [];
  const floorServing: number[] = [];
  const reported: number[] = [];
  const serving: number[] = [];
  const writes: number[] = [];
  const writeLists: string[][] = [];
  const byHand = async () => {
    const c1 = sha();
    const r = rendered(app, env, c1);
    const t0 = Date.now();
    await b.deployByHand(env.stack, r.yaml);
    // Two floors from the same hand deploy: the SHA answers, and also Swarm counts it healthy (what success means).
    await Promise.all([
      b.servesSha(r.url, c1).then(() => floorServing.push(Date.now() - t0)),
      b.healthyByHand(env.stack),
    ]);
    floor.push(Date.now() - t0);
    await b.removeAndWait(env.stack);
  };
  const byBerth = async () => {
    const c2 = sha();
    const url = rendered(app, env, c2).url;
    const mark = github.requests.length;
    const t0 = Date.now();
    await hook(
      "pull_request",
      loadPayload("pull_request.opened", { repository: `acme/${app}`, number: pr, headSha: c2 }),
    );
    const served = b.servesSha(url, c2).then(() => serving.push(Date.now() - t0));
    const at = await waitFor("first success", () => b.firstSuccessAt(github, mark, `acme/${app}`, c2), 240_000, 20);
    reported.push(at - t0);
    await served;
    deploysWatched++;
    // Wait until the report is complete (comment included), then count the writes of this deploy.
    await waitFor(
      "the sticky comment",
      () =>
        b
          .writesFor(github, mark, `acme/${app}`)
          .some((w) => w.path.endsWith("/comments") || /\/comments\/\d+$/.test(w.path))
          ? true
          : undefined,
      120_000,
      50,
    );
    await new Promise((res) => setTimeout(res, 1500));
    const mine = b.writesFor(github, mark, `acme/${app}`);
    writes.push(mine.length);
    writeLists.push(mine.map((w) => `${w.method} ${w.path.replace(`/repos/acme/${app}`, "")}`));
    const closing = github.requests.length;
    await hook(
      "pull_request",
      loadPayload("pull_request.closed", { repository: `acme/${app}`, number: pr, headSha: c2 }),
    );
    // Berth's teardown must be over before the same stack is deployed by hand: it would remove that one too.
    await waitForFinalDeploymentStatus(github, closing, 120_000, ["inactive"]);
    // Its comment edit goes after the final states; the next run's write count must not start before it landed.
    await waitFor(
      "the teardown's comment",
      () =>
        [...github.state.comments.values()].some((c) => c.issue === pr && String(c.body).includes("torn down"))
          ? true
          : undefined,
      120_000,
      50,
    );
    await b.removeAndWait(env.stack);
  };
  // Who goes first alternates: the second of a pair deploys right after the first one's stack was removed.
  for (let i = 0; i < RUNS; i++) {
    if (i % 2 === 0) {
      await byHand();
      await byBerth();
    } else {
      await byBerth();
      await byHand();
    }
  }
  return { floor, floorServing, reported, serving, writes, writeLists };
}

async function section<T>(name: string, fn: () => Promise<T>): Promise<T | undefined> {
  if (!ONLY.has(name)) return undefined;
  const t = Date.now();
  console.error(`[bench] ${name}…`);
  try {
    return await fn();
  } finally {
    console.error(`[bench] ${name} took ${((Date.now() - t) / 1000).toFixed(0)} s`);
  }
}

try {
  // 1 + 4: PR opened → first success; writes per preview deploy.
  await section("open", async () => {
    const hostPort = await openToSuccess("perf", 810);
    const ingress = await openToSuccess("perfin", 811);
    raw.open = { hostPort, ingress };
    ratioRow("PR opened → first success, host-port template", hostPort.reported, hostPort.floor, 1.25);
    ratioRow(
      "  the same ÷ floor polled until the SHA answers (healthcheck not awaited)",
      hostPort.reported,
      hostPort.floorServing,
      1.25,
    );
    ratioRow("PR opened → first success, web behind the ingress", ingress.reported, ingress.floor, 1.25);
    ratioRow("  the same ÷ floor polled until the SHA answers", ingress.reported, ingress.floorServing, 1.25);
    const w = Math.max(...hostPort.writes, ...ingress.writes);
    rows.push({
      what: "GitHub writes per preview deploy (open → healthy, most of any run)",
      berth: w,
      unit: "",
      goal: "≤ 6",
      met: w <= 6,
    });
  });

  // 2: push to a PR behind the ingress (start-first) → new SHA reported healthy; 0 failed requests at 50 ms.
  await section("push", async () => {
    const pr = 812;
    const env = previewEnvironment("perfin", pr);
    let head = sha();
    const mark0 = github.requests.length;
    await hook(
      "pull_request",
      loadPayload("pull_request.opened", { repository: "acme/perfin", number: pr, headSha: head }),
    );
    await waitFor("first deploy", () => b.firstSuccessAt(github, mark0, "acme/perfin", head), 240_000, 50);
    const url = rendered("perfin", env, head).url;
    const floor: number[] = [];
    const reported: number[] = [];
    const failed: Array<{ total: number; failed: number }> = [];
    for (let i = 0; i < RUNS; i++) {
      const byHand = sha();
      let poll = b.poller(url);
      let t0 = Date.now();
      await b.deployByHand(env.stack, rendered("perfin", env, byHand).yaml);
      await b.onlyServes(url, byHand);
      floor.push(Date.now() - t0);
      const floorFailed = await poll.stop();
      head = sha();
      const mark = github.requests.length;
      poll = b.poller(url);
      t0 = Date.now();
      await hook(
        "pull_request",
        loadPayload("pull_request.synchronize", { repository: "acme/perfin", number: pr, headSha: head }),
      );
      const at = await waitFor(
        "push reported healthy",
        () => b.firstSuccessAt(github, mark, "acme/perfin", head),
        240_000,
        20,
      );
      reported.push(at - t0);
      await b.onlyServes(url, head);
      failed.push({ ...(await poll.stop()) });
      deploysWatched++;
      raw.pushFloorFailed = [...((raw.pushFloorFailed as unknown[]) ?? []), floorFailed];
    }
    raw.push = { floor, reported, failed };
    const failedTotal = failed.reduce((n, f) => n + f.failed, 0);
    ratioRow("push to a PR (ingress, start-first) → new SHA reported healthy", reported, floor, 1.5);
    rows.push({
      what: "  requests failed during those pushes (50 ms polling)",
      berth: failedTotal,
      unit: "",
      goal: "0",
      met: failedTotal === 0,
    });
    await hook(
      "pull_request",
      loadPayload("pull_request.closed", { repository: "acme/perfin", number: pr, headSha: head }),
    );
    await b.removeAndWait(env.stack);
  });

  // 2b: push to staging (start-first behind the ingress).
  await section("staging", async () => {
    const env = stagingEnvironment("perfin");
    let head = sha();
    const mark0 = github.requests.length;
    await hook("push", pushPayload({ ref: "refs/heads/main", sha: head, repository: "acme/perfin" }));
    await waitFor("first staging deploy", () => b.firstSuccessAt(github, mark0, "acme/perfin", head), 240_000, 50);
    const url = rendered("perfin", env, head).url;
    const floor: number[] = [];
    const reported: number[] = [];
    const failed: Array<{ total: number; failed: number }> = [];
    for (let i = 0; i < RUNS; i++) {
      const byHand = sha();
      let t0 = Date.now();
      await b.deployByHand(env.stack, rendered("perfin", env, byHand).yaml);
      await b.onlyServes(url, byHand);
      floor.push(Date.now() - t0);
      const before = head;
      head = sha();
      const mark = github.requests.length;
      const poll = b.poller(url);
      t0 = Date.now();
      await hook("push", pushPayload({ ref: "refs/heads/main", sha: head, before, repository: "acme/perfin" }));
      const at = await waitFor(
        "staging reported healthy",
        () => b.firstSuccessAt(github, mark, "acme/perfin", head),
        240_000,
        20,
      );
      reported.push(at - t0);
      await b.onlyServes(url, head);
      failed.push({ ...(await poll.stop()) });
      deploysWatched++;
    }
    raw.staging = { floor, reported, failed };
    const failedTotal = failed.reduce((n, f) => n + f.failed, 0);
    ratioRow("push to staging (ingress, start-first) → new SHA reported healthy", reported, floor, 1.5);
    rows.push({
      what: "  requests failed during those pushes (50 ms polling)",
      berth: failedTotal,
      unit: "",
      goal: "0",
      met: failedTotal === 0,
    });
    await b.removeAndWait(env.stack);
  });

  // 3: /scale web 3 → 🚀 reply and check run web 3/3; floor: docker service scale --detach, polled until 3 run.
  await section("scale", async () => {
    const pr = 813;
    const env = previewEnvironment("perfin", pr);
    const head = sha();
    setPullRequest(github.state, "acme/perfin", { number: pr, headSha: head });
    const mark0 = github.requests.length;
    await hook(
      "pull_request",
      loadPayload("pull_request.opened", { repository: "acme/perfin", number: pr, headSha: head }),
    );
    await waitFor("preview up", () => b.firstSuccessAt(github, mark0, "acme/perfin", head), 240_000, 50);
    const service = `${env.stack}_web`;
    const running = () =>
      Number(b.docker("service", "ls", "--filter", `name=${service}`, "--format", "{{.Replicas}}").split("/")[0]);
    const containers = () =>
      b.docker("ps", "-q", "--filter", `label=com.docker.swarm.service.name=${service}`).split("\n").filter(Boolean)
        .length;
    const comment = async (text: string) => {
      const payload = issueCommentPayload({
        repository: "acme/perfin",
        number: pr,
        body: text,
        user: { login: "wendy" },
      });
      const marker = commandReplyMarker(payload.comment.id);
      const t0 = Date.now();
      await hook("issue_comment", payload);
      const reply = await waitFor(
        "the reply",
        () => [...github.state.comments.values()].find((c) => c.body.includes(marker)),
        240_000,
        20,
      );
      if (!String(reply.body).includes("🚀")) throw new Error(`${text} failed: ${reply.body}`);
      return Date.now() - t0;
    };
    const floor: number[] = [];
    const replied: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      let t0 = Date.now();
      b.docker("service", "scale", "--detach", `${service}=3`);
      await waitFor("3 running", () => (running() === 3 ? true : undefined), 240_000, 50);
      floor.push(Date.now() - t0);
      b.docker("service", "scale", "--detach", `${service}=1`);
      // Until the scaled-down containers are gone: Swarm revives a slot whose container still stops (its grace
      // period), so scaling up again at once would measure nothing.
      await waitFor("1 container", () => (running() === 1 && containers() === 1 ? true : undefined), 240_000, 100);
      t0 = Date.now();
      replied.push(await comment("/scale web 3"));
      await comment("/scale web 1");
      await waitFor("1 container", () => (containers() === 1 ? true : undefined), 240_000, 100);
    }
    raw.scale = { floor, replied };
    ratioRow("/scale web 3 → 🚀 reply (check run web 3/3)", replied, floor, 1.5);
    const med = b.median(replied);
    rows.push({
      what: "  /scale web 3 → 🚀 reply, absolute",
      berth: med / 1000,
      unit: "s",
      goal: "< 5 s",
      met: med < 5000,
    });
    await hook(
      "pull_request",
      loadPayload("pull_request.closed", { repository: "acme/perfin", number: pr, headSha: head }),
    );
    await b.removeAndWait(env.stack);
  });

  // 5: burst — N PRs opened at once vs the same N stacks by hand, 4 at a time; the stand-in enforces GitHub's limits.
  await section("burst", async () => {
    // What still holds a worker slot as the burst begins: a burst that finishes fewer deploys at a time than the
    // worker's concurrency shows here why.
    const holders = await activeJobs();
    console.log(`[bench] worker slots held as the burst begins: ${holders.length ? holders.join("; ") : "none"}`);
    const prs = Array.from({ length: BURST }, (_, i) => 2000 + i);
    const commits = new Map(prs.map((p) => [p, sha()]));
    // Two floors, as for a single PR: by hand, the next stack goes once the last one is healthy as Swarm counts it
    // (N/N: what Berth's success means) and serves its SHA; and, for context, once it only serves its SHA.
    const byHand = async (untilHealthy: boolean) => {
      for (const pr of prs) commits.set(pr, sha());
      const start = Date.now();
      await b.pool(prs, 4, async (pr) => {
        const env = previewEnvironment("perfb", pr);
        const r = rendered("perfb", env, commits.get(pr)!);
        await b.deployByHand(env.stack, r.yaml);
        await Promise.all([
          b.servesSha(r.url, commits.get(pr)!, 600_000),
          untilHealthy ? b.healthyByHand(env.stack, 600_000) : undefined,
        ]);
      });
      const ms = Date.now() - start;
      await b.pool(prs, 4, (pr) => b.removeAndWait(previewEnvironment("perfb", pr).stack));
      return ms;
    };
    const floor = await byHand(true);
    const floorServing = await byHand(false);

    github.writeLimits.reset();
    github.writeLimits.configure({ enforce: true });
    peakRss = 0;
    for (const pr of prs) {
      commits.set(pr, sha());
      // GitHub knows the PRs: each deploy reads the PR's head before it deploys, as it would for real.
      setPullRequest(github.state, "acme/perfb", { number: pr, headSha: commits.get(pr)! });
    }
    const mark = github.requests.length;
    const t0 = Date.now();
    await Promise.all(
      prs.map((pr) =>
        hook(
          "pull_request",
          loadPayload("pull_request.opened", { repository: "acme/perfb", number: pr, headSha: commits.get(pr)! }),
        ),
      ),
    );
    await Promise.all(
      prs.map((pr) =>
        b.servesSha(
          rendered("perfb", previewEnvironment("perfb", pr), commits.get(pr)!).url,
          commits.get(pr)!,
          1_800_000,
        ),
      ),
    );
    const allServing = Date.now() - t0;
    const finals = new Map<number, number>();
    await waitFor(
      "every final status",
      () => {
        for (const r of github.requests.slice(mark))
          if (
            r.method === "POST" &&
            /\/deployments\/\d+\/statuses$/.test(r.path) &&
            r.body?.state === "success" &&
            r.status < 400
          ) {
            const d = github.state.deployments.get(Number(/deployments\/(\d+)\//.exec(r.path)![1]));
            const pr = prs.find((p) => commits.get(p) === d?.ref);
            if (pr !== undefined && !finals.has(pr)) finals.set(pr, r.at - t0);
          }
        return finals.size === prs.length ? true : undefined;
      },
      3_600_000,
      500,
    );
    const report = github.writeLimits.report();
    const refused = Object.values(report).reduce((n, x) => n + x.refused, 0);
    const accepted = Object.values(report).reduce((n, x) => n + x.accepted, 0);
    const peakPerMinute = Math.max(0, ...Object.values(report).map((x) => x.peakPerMinute));
    const lastFinal = Math.max(...finals.values());
    raw.burst = {
      n: BURST,
      floor,
      floorServing,
      allServing,
      lastFinal,
      refused,
      accepted,
      peakPerMinute,
      peakRss,
      finals: [...finals],
    };
    github.writeLimits.configure({ enforce: false });
    rows.push({
      what: `burst: ${BURST} PRs opened at once (${BURST_TEMPLATE}) → all serving (by hand: 4 at a time, each N/N and serving)`,
      berth: allServing / 1000,
      floor: floor / 1000,
      unit: "s",
      goal: "÷ floor ≤ 1.3",
      met: allServing / floor <= 1.3,
    });
    rows.push({
      what: "  the same ÷ floor of stacks by hand polled until the SHA answers (healthcheck not awaited)",
      berth: allServing / 1000,
      floor: floorServing / 1000,
      unit: "s",
      goal: "÷ floor ≤ 1.3",
      met: allServing / floorServing <= 1.3,
    });
    rows.push({
      what: `  every final status reported (last at; ${accepted} writes, peak ${peakPerMinute}/min)`,
      berth: lastFinal / 1000,
      unit: "s",
      goal: `${finals.size}/${BURST} reported`,
      met: finals.size === BURST,
    });
    rows.push({
      what: "  writes refused by the stand-in enforcing 80/min, 500/h",
      berth: refused,
      unit: "",
      goal: "0",
      met: refused === 0,
    });
    rows.push({ what: "  bot RSS at the peak", berth: peakRss, unit: "MB", goal: "< 200 MB", met: peakRss < 200 });
    await Promise.all(
      prs.map((pr) =>
        hook(
          "pull_request",
          loadPayload("pull_request.closed", { repository: "acme/perfb", number: pr, headSha: commits.get(pr)! }),
        ),
      ),
    );
    await b.pool(prs, 4, (pr) => b.removeAndWait(previewEnvironment("perfb", pr).stack));
  });

  // 6: webhook acknowledgement at 200 requests/s for 30 s (a repository without a deploy config: the jobs are queued
  // and the worker in the same process takes each and finds nothing to deploy). The load comes from a process of its
  // own (scripts/bench/ack-load.ts): in this one, the stand-in and the bot's log pipe would delay the answers' timing.
  await section("ack", async () => {
    const seconds = Number(process.env.BENCH_ACK_SECONDS ?? 30);
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          "scripts/bench/ack-load.ts",
          berth.webhookUrl,
          berth.webhookSecret,
          "200",
          String(seconds),
          "acme/no-config",
        ],
        { stdio: ["ignore", "pipe", "inherit"] },
      );
      let text = "";
      child.stdout.on("data", (c: Buffer) => (text += c.toString()));
      child.once("error", reject);
      child.once("exit", (code) => (code === 0 ? resolve(text) : reject(new Error(`ack-load exited with ${code}`))));
    });
    const load = JSON.parse(out.trim().split("\n").at(-1)!) as {
      n: number;
      errors: number;
      lateStarts: number;
      p50: number;
      p99: number;
      max: number;
    };
    const { errors, p99 } = load;
    // Berth's own view (arrival → answer written), to tell its delay from the sender's and the machine's.
    const metrics = await (await fetch(`${berth.url}/metrics`)).text();
    const server = b.histogramQuantiles(metrics, "berth_webhook_ack_seconds", [0.5, 0.99]);
    const lag = b.gauges(metrics, /^berth_nodejs_eventloop_lag_(p99|max)_seconds/);
    raw.ack = { seconds, ...load, server, lag };
    console.log(
      `[bench] ack as Berth measured it: p50 ≤ ${server[0.5]} s, p99 ≤ ${server[0.99]} s (bucket bounds); ` +
        `its event loop lag ${Object.entries(lag)
          .map(([k, v]) => `${k.replace(/^berth_nodejs_eventloop_lag_|_seconds$/g, "")} ${(v * 1000).toFixed(1)} ms`)
          .join(", ")}`,
    );
    rows.push({
      what: `webhook ack at 200 req/s for ${seconds} s: p99 (${errors} errors)`,
      berth: p99,
      unit: "ms",
      goal: "< 25 ms, 0 errors",
      met: p99 < 25 && errors === 0,
    });
  });

  // 7: healthy → registered: a real preview deploy with BERTH_DISCOVERY=etcd; the entry is watched in etcd itself.
  await section("registry", async () => {
    const pr = 1440; // disc* PRs 1400–1449, port 25900 + 1440 = 27340
    const figures = await registeredAfterHealthy({
      runs: RUNS,
      endpoint: infra.BERTH_ETCD_ENDPOINTS ?? "127.0.0.1:27379",
      repository: "acme/discbench",
      environment: `pr-${pr}`,
      output: () => berth.output(),
      deploy: async (commit) => {
        const mark = github.requests.length;
        const t0 = Date.now();
        await hook(
          "pull_request",
          loadPayload("pull_request.opened", { repository: "acme/discbench", number: pr, headSha: commit }),
        );
        const at = await waitFor(
          "first success",
          () => b.firstSuccessAt(github, mark, "acme/discbench", commit),
          240_000,
          20,
        );
        deploysWatched++;
        return at - t0;
      },
      teardown: async (commit) => {
        await hook(
          "pull_request",
          loadPayload("pull_request.closed", { repository: "acme/discbench", number: pr, headSha: commit }),
        );
        await b.removeAndWait(previewEnvironment("discbench", pr).stack);
      },
      sha,
    });
    raw.registry = figures;
    const med = b.median(figures.healthyToRegistered);
    rows.push({
      what: "healthy → registered in etcd (job healthy → entry seen by an etcd watch)",
      berth: med,
      unit: "ms",
      goal: "< 1000 ms (seed: 5 s)",
      met: med < 1000,
    });
    const early = figures.registeredBeforeHealthy.reduce((n, x) => n + x, 0);
    rows.push({
      what: "  entries written before the job was healthy (the keeper waits for healthy)",
      berth: early,
      unit: "",
      goal: "0",
      met: early === 0,
    });
    rows.push({
      what: "  the same deploys: PR opened → first success reported",
      berth: b.median(figures.deploy) / 1000,
      unit: "s",
      goal: "(context)",
      met: true,
    });
    rows.push({
      what: "  PR closed → entry gone from etcd (watched)",
      berth: b.median(figures.closedToDeregistered) / 1000,
      unit: "s",
      goal: "(context: includes the teardown job)",
      met: true,
    });
  });
} catch (err) {
  // A section that broke is a failed bench, said as such: the table below holds only what was measured before it.
  failure = err as Error;
  console.error(`[bench] failed: ${failure.stack ?? failure.message}`);
  console.error(`[bench] the bot's last lines:\n${berth.output().split("\n").slice(-60).join("\n")}`);
} finally {
  clearInterval(sampler);
  rows.push({
    what: `TCP connections Berth opened to sshd (${deploysWatched} deploys watched)`,
    berth: sshConnections.size,
    unit: "",
    goal: "1 per manager",
    met: sshConnections.size <= 1,
  });
  raw.ssh = { connections: [...sshConnections], deploys: deploysWatched };
  raw.peakRss = peakRss;
  const lines = b.liveLines(berth.output());
  const keys = ["queue", "render", "ssh", "converge", "probe"];
  raw.timings = lines;
  await berth.stop();
  // The bot's whole log, for what the table does not say (which job held a slot, what a deploy waited on).
  mkdirSync("bench-results", { recursive: true });
  writeFileSync("bench-results/bot.log", berth.output());
  await github.close();
  await deletePrefix(infra.REDIS_URL ?? "redis://127.0.0.1:6379", berth.queuePrefix);
  rmSync(dir, { recursive: true, force: true });

  mkdirSync("bench-results", { recursive: true });
  raw.rows = rows;
  writeFileSync("bench-results/bench.json", JSON.stringify(raw, null, 2));
  const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));
  const fmt = (x: number | undefined, unit: string) =>
    x === undefined
      ? ""
      : unit === "s"
        ? `${x.toFixed(2)} s`
        : unit === "ms"
          ? `${x.toFixed(1)} ms`
          : unit === "MB"
            ? `${x.toFixed(0)} MB`
            : String(x);
  console.log(`\n${pad("figure", 78)} ${pad("Berth", 10)} ${pad("floor", 10)} ${pad("ratio", 6)} goal`);
  for (const r of rows) {
    const ratio = r.floor ? (r.berth / r.floor).toFixed(2) : "";
    console.log(
      `${pad(r.what, 78)} ${pad(fmt(r.berth, r.unit), 10)} ${pad(fmt(r.floor, r.unit), 10)} ${pad(ratio, 6)} ${r.goal} ${r.met ? "✓" : "✗ missed"}`,
    );
  }
  if (rows.some((r) => !r.met) && lines.length > 0) {
    const med = (k: string) => b.median(lines.map((l) => l.timings[k] ?? NaN).filter(Number.isFinite));
    console.log(
      `\nwhere a deploy's time went (median of ${lines.length} deploys, ms): ${keys.map((k) => `${k} ${med(k)}`).join(", ")}`,
    );
    console.log(
      "(queue: webhook → job start; render; ssh: stack deploy; converge: tasks healthy; probe: URL 2xx; the rest until the stand-in saw the final state is GitHub writes waiting)",
    );
  }
  console.log(`\nraw figures: bench-results/bench.json`);
  if (failure) console.log(`\nTHE BENCH DID NOT FINISH: ${failure.message}`);
  process.exit(failure ? 1 : 0);
}
