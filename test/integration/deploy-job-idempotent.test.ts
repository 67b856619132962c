// A job may run twice (BullMQ is at-least-once: a stalled job is re-run). Running the same deploy job twice must
// converge to the same state and edit the same check run and deployment, not create new ones.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
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
import { teardownPreview } from "../../app/jobs/teardown-preview.js";
import type { JobDeps } from "../../app/jobs/deps.js";
import { WriteScheduler } from "../../app/adapters/github/write-scheduler.js";
import { memoryWriteStore } from "../../app/adapters/github/write-scheduler-types.js";
import { reportWriteTransport, reportWritesOn } from "../../app/adapters/github/report-writes.js";
import type { ReportWrite } from "../../app/ports/report-writes.js";
import { infraEnv } from "../helpers/infra.js";
import { testRedis } from "../helpers/redis.js";

const PR = 126;
const STACK = `shop-pr-${PR}`;
let github: GitHubStandIn;
const pool = createSshPool();
const r = testRedis();
let deps: JobDeps;
let scheduler: WriteScheduler<ReportWrite>;

beforeAll(async () => {
  github = await startGitHubStandIn();
  const handles = createReportHandleStore(r.redis, r.prefix);
  const log = pino({ level: "silent" });
  scheduler = new WriteScheduler<ReportWrite>({
    transport: reportWriteTransport({
      reporterFor: async () =>
        createGitHubReporter(new Octokit({ auth: "ghs_job-test", baseUrl: `${github.url}/api/v3` }) as never),
      handles,
      webBaseUrl: "https://github.com",
      log,
    }),
    store: memoryWriteStore(),
    clock: systemClock,
    log,
  });
  deps = {
    configs: createFileConfigSource({ configDir: "deploy-configs", templatesDir: "templates", variables: infraEnv() }),
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
    log: pino({ level: "silent" }),
    webBaseUrl: "https://github.com",
  };
});

afterAll(async () => {
  if (
    execFileSync("docker", ["service", "ls", "-q", "--filter", `label=com.docker.stack.namespace=${STACK}`])
      .toString()
      .trim()
  )
    execFileSync("docker", ["stack", "rm", STACK]);
  await scheduler.close();
  await github.close();
  await pool.closeAll();
  await r.cleanup();
});

describe("deploy job run twice", () => {
  it("converges to the same stack and edits the same check run, deployment and comment", async () => {
    const sha = randomBytes(20).toString("hex");
    const job = {
      kind: "deploy-preview" as const,
      repository: "acme/shop",
      installationId: 1,
      pr: PR,
      sha,
      deliveryId: "d1",
      sender: "octocat",
      receivedAt: Date.now(),
    };
    const first = await deployPreview(job, { jobId: "job-1", attempt: 1 }, deps);
    const second = await deployPreview(job, { jobId: "job-1", attempt: 2 }, deps);
    expect(first).toMatchObject({ outcome: "deployed", url: `http://127.0.0.1:${20000 + PR}` });
    expect(second).toMatchObject({ outcome: "deployed" });
    await scheduler.idle(); // the jobs queued their reports and moved on
    const posts = (path: RegExp) => github.requests.filter((x) => x.method === "POST" && path.test(x.path));
    expect(posts(/\/check-runs$/)).toHaveLength(1);
    expect(posts(/\/deployments$/)).toHaveLength(1);
    expect(posts(/\/issues\/\d+\/comments$/)).toHaveLength(1);
    expect(
      execFileSync("docker", [
        "service",
        "ls",
        "--filter",
        `label=com.docker.stack.namespace=${STACK}`,
        "--format",
        "{{.Name}} {{.Replicas}}",
      ])
        .toString()
        .trim(),
    ).toBe(`${STACK}_web 1/1`);
    expect((await (await fetch(first.outcome === "deployed" ? first.url : "")).text()).trim()).toBe(
      `berth-test-web sha=${sha}`,
    );

    const down = {
      kind: "teardown-preview" as const,
      repository: "acme/shop",
      installationId: 1,
      pr: PR,
      sha,
      deliveryId: "d2",
      sender: "octocat",
      receivedAt: Date.now(),
      reason: "closed" as const,
    };
    expect(await teardownPreview(down, { jobId: "job-2", attempt: 1 }, deps)).toMatchObject({ outcome: "torn-down" });
    expect(await teardownPreview(down, { jobId: "job-2", attempt: 2 }, deps)).toMatchObject({ outcome: "torn-down" });
    expect(
      execFileSync("docker", ["network", "ls", "-q", "--filter", `label=com.docker.stack.namespace=${STACK}`])
        .toString()
        .trim(),
    ).toBe("");
  });
});
