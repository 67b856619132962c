// "Healthy" is said at once, and taken back if Swarm rolls the update back after all: a release whose healthcheck
// passes first and fails a few seconds later (berth-test-flaky:1) is reported success when its task runs healthy
// and the URL answers, then — when Swarm's update monitor rolls it back — the same check run, deployment and
// sticky comment say failure, with the reason and what serves now. Real Swarm, sshd and Redis; the GitHub stand-in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Octokit } from "@octokit/rest";
import { pino } from "pino";
import { startGitHubStandIn, type GitHubStandIn } from "../../scripts/github-stand-in/index.js";
import { createSshPool } from "../../app/adapters/ssh/pool.js";
import { createSshSwarm } from "../../app/adapters/swarm/ssh-swarm.js";
import { createGitHubReporter } from "../../app/adapters/github/octokit-reporter.js";
import { createFileConfigSource } from "../../app/adapters/config/file-config-source.js";
import { createHttpProbe } from "../../app/adapters/http-probe.js";
import { createReportHandleStore } from "../../app/adapters/redis/report-handles.js";
import { createApprovalStore } from "../../app/adapters/redis/approvals.js";
import { systemClock } from "../../app/ports/clock.js";
import { deployPreview } from "../../app/jobs/deploy-preview.js";
import type { JobDeps } from "../../app/jobs/deps.js";
import { WriteScheduler } from "../../app/adapters/github/write-scheduler.js";
import { memoryWriteStore } from "../../app/adapters/github/write-scheduler-types.js";
import { reportWriteTransport, reportWritesOn } from "../../app/adapters/github/report-writes.js";
import type { ReportWrite } from "../../app/ports/report-writes.js";
import { LOCAL_SSH_YAML } from "../../scripts/lib/local-config.js";
import { infraEnv } from "../helpers/infra.js";
import { testRedis } from "../helpers/redis.js";
import { waitFor } from "../../scripts/lib/wait-for.js";

const PR = 801;
const STACK = `perf-pr-${PR}`;
const URL_ = `http://127.0.0.1:${24000 + PR}`;
const docker = (...args: string[]) => execFileSync("docker", args).toString().trim();
const sha = () => randomBytes(20).toString("hex");
const tags: string[] = [];
const image = (commit: string, from: string) => {
  const tag = `perf-web:${commit.slice(0, 7)}`;
  docker("tag", from, tag);
  tags.push(tag);
};

let github: GitHubStandIn;
let scheduler: WriteScheduler<ReportWrite>;
let deps: JobDeps;
let dir: string;
const pool = createSshPool();
const r = testRedis();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "berth-late-rollback-"));
  mkdirSync(join(dir, "templates"));
  writeFileSync(
    join(dir, "perf.yml"),
    `repository: acme/perf
app: perf
template: slow-monitor.yml
${LOCAL_SSH_YAML}
routing: { mode: host-port, domain: perf.localhost, previewPortBase: 24000 }
preview: { healthTimeoutSeconds: 120, maxFailedTasks: 3 }
services:
  web:
    image: perf-web:{{short_sha}}
    public: true
    port: 8080
    healthPath: /healthz
    env: { FLAKY_AFTER_SECONDS: "15" }
`,
  );
  // web-service.yml with a 30 s start period: Swarm's update monitor (start_period + interval × retries = 36 s) then
  // outlasts the flaky release's healthy first seconds by far, also on a loaded machine.
  writeFileSync(
    join(dir, "templates", "slow-monitor.yml"),
    readFileSync("templates/web-service.yml", "utf8").replace("start_period: 5s", "start_period: 30s"),
  );
  github = await startGitHubStandIn();
  const handles = createReportHandleStore(r.redis, r.prefix);
  const log = pino({ level: process.env.BERTH_TEST_LOG ? "info" : "silent" });
  scheduler = new WriteScheduler<ReportWrite>({
    transport: reportWriteTransport({
      reporterFor: async () =>
        createGitHubReporter(new Octokit({ auth: "ghs_late-rollback", baseUrl: `${github.url}/api/v3` }) as never),
      handles,
      webBaseUrl: "https://github.com",
      log,
    }),
    store: memoryWriteStore(),
    clock: systemClock,
    log,
  });
  deps = {
    configs: createFileConfigSource({ configDir: dir, templatesDir: join(dir, "templates"), variables: infraEnv() }),
    swarmFor: (t) => createSshSwarm(t, pool),
    writes: reportWritesOn(scheduler),
    reporterFor: async () =>
      createGitHubReporter(new Octokit({ auth: "ghs_job-test", baseUrl: `${github.url}/api/v3` }) as never),
    probe: createHttpProbe(systemClock),
    handles,
    approvals: createApprovalStore(r.redis, r.prefix),
    enqueue: async () => {
      throw new Error("this test enqueues nothing");
    },
    clock: systemClock,
    log,
    webBaseUrl: "https://github.com",
  };
});

afterAll(async () => {
  if (docker("service", "ls", "-q", "--filter", `label=com.docker.stack.namespace=${STACK}`))
    docker("stack", "rm", STACK);
  await scheduler.close();
  await github.close();
  await pool.closeAll();
  await r.cleanup();
  rmSync(dir, { recursive: true, force: true });
  for (const t of tags) execFileSync("docker", ["rmi", t], { stdio: "ignore" });
});

const job = (commit: string, n: number) => ({
  kind: "deploy-preview" as const,
  repository: "acme/perf",
  installationId: 1,
  pr: PR,
  sha: commit,
  deliveryId: `late-${n}`,
  sender: "octocat",
  receivedAt: Date.now(),
  trusted: true,
});

describe("a release that turns unhealthy after it first passed", () => {
  it("is reported success at once, then flipped to failure when Swarm rolls it back; the old SHA serves", async () => {
    const good = sha();
    image(good, "berth-test-web:1");
    expect(await deployPreview(job(good, 1), { jobId: "late-1", attempt: 1 }, deps)).toMatchObject({
      outcome: "deployed",
    });
    await scheduler.idle();

    const flaky = sha();
    image(flaky, "berth-test-flaky:1");
    const mark = github.requests.length;
    const result = await deployPreview(job(flaky, 2), { jobId: "late-2", attempt: 1 }, deps);
    await scheduler.idle();
    expect(result).toMatchObject({ outcome: "failed" });
    if (result.outcome !== "failed") return;
    expect(result.reason).toMatch(/after it first ran healthy, Swarm rolled perf-pr-801_web back/);

    const sent = github.requests.slice(mark);
    const conclusions = sent
      .filter((x) => x.method === "PATCH" && /\/check-runs\/\d+$/.test(x.path) && x.body.status === "completed")
      .map((x) => [x.path, x.body.conclusion]);
    // Success first (said as soon as it ran healthy), then failure on the same check run.
    expect(conclusions.map((c) => c[1])).toEqual(["success", "failure"]);
    expect(conclusions[0]![0]).toBe(conclusions[1]![0]);
    const statuses = sent
      .filter((x) => x.method === "POST" && /\/deployments\/\d+\/statuses$/.test(x.path))
      .map((x) => x.body.state);
    expect(statuses.filter((s) => s !== "in_progress")).toEqual(["success", "failure"]);
    const final = sent.filter((x) => x.method === "PATCH" && /\/check-runs\/\d+$/.test(x.path)).at(-1)!.body;
    expect(final.output.title).toMatch(/^Deploy failed/);
    expect(final.output.summary).toMatch(/rolled .* back/);
    const comment = [...github.state.comments.values()].find((c) => c.issue === PR)!;
    expect(comment.body).toMatch(/failed/);
    expect(comment.body).toMatch(/Serving now: the previous version/);
    // The host-port service updates stop-first: the restored task may still be starting. Whatever answers is old.
    const answer = await waitFor(
      "the restored release to answer",
      async () => {
        try {
          return (await (await fetch(URL_, { signal: AbortSignal.timeout(2000) })).text()).trim();
        } catch {
          return undefined;
        }
      },
      90_000,
      250,
    );
    expect(answer).toBe(`berth-test-web sha=${good}`);
  });
});
