// On the two-node fault Swarm (scripts/infra/node2.sh), never the shared one: a worker node is lost (its dockerd
// stopped) and its tasks move to the manager, which /status and the sticky comment then show; and the manager's
// dockerd restarts mid-deploy, and the job retries and converges. App faultnode, PRs 1030–1031.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  body,
  faultConfigYaml,
  faultEnv,
  sha,
  sleep,
  startFaultBot,
  type FaultBot,
  PORT_BASE,
} from "../helpers/fault-bot.js";
import {
  FAULT_PROBE_HOST,
  FAULT_SWARM_SSH,
  TWO_NODE_TEMPLATE,
  faultSwarmAvailable,
  mgrDocker,
  node2,
  runningNodes,
  waitNodeReady,
} from "../helpers/fault-swarm.js";
import { issueCommentPayload } from "../fixtures/webhooks/issue_comment.js";
import { setPullRequest } from "../../scripts/github-stand-in/routes-commands.js";
import { waitFor } from "../../scripts/lib/wait-for.js";
import { recordReliability } from "../helpers/reliability.js";

const APP = "faultnode";
const REPO = `acme/${APP}`;
let bot: FaultBot;
const url = (pr: number) => `http://${faultEnv().BERTH_FAULT_PROBE_HOST}:${PORT_BASE + pr}`;
const runFor = (head: string) => [...bot.github.state.checkRuns.values()].find((r) => r.head_sha === head);

describe.skipIf(!faultSwarmAvailable())("nodes of the Swarm fail", () => {
  beforeAll(async () => {
    bot = await startFaultBot({
      configs: {
        [`${APP}.yml`]: faultConfigYaml({
          app: APP,
          ssh: FAULT_SWARM_SSH,
          probeHost: FAULT_PROBE_HOST,
          template: "fault-two-node.yml",
          extraServices: `  api:
    image: \${BERTH_TEST_IMAGE}
    port: 8080
    healthPath: /healthz
    replicas: 2
    resources:
      limits: { cpus: 0.25, memory: 48M }
      reservations: { cpus: 0.01, memory: 8M }
`,
        }),
      },
      templates: { "fault-two-node.yml": TWO_NODE_TEMPLATE },
    });
    bot.github.setPermission(REPO, "rita", "read");
  });
  afterAll(async () => {
    await bot?.close();
    for (const pr of [1030, 1031])
      try {
        mgrDocker(["stack", "rm", `${APP}-pr-${pr}`]);
      } catch {
        // already gone
      }
  });

  it("a worker node lost: tasks rescheduled on the manager; /status and the sticky comment show it", async () => {
    const pr = 1030;
    const stack = `${APP}-pr-${pr}`;
    const head = sha();
    setPullRequest(bot.github.state, REPO, { number: pr, headSha: head } as never);
    expect(await bot.pr("opened", APP, pr, head)).toBe(200);
    await waitFor("check run success", () => (runFor(head)?.conclusion === "success" ? true : undefined), 240_000, 500);
    expect(runningNodes(`${stack}_api`)).toEqual(["berth-mgr", "berth-node2"]);
    try {
      node2("stop");
      const lostAt = Date.now();
      await waitFor(
        "api's tasks on the manager only",
        () => {
          const nodes = runningNodes(`${stack}_api`);
          return nodes.length === 2 && nodes.every((n) => n === "berth-mgr") ? true : undefined;
        },
        180_000,
        1000,
      );
      const rescheduledMs = Date.now() - lostAt;
      expect(await body(url(pr))).toBe(`berth-test-web sha=${head}`);
      const payload = issueCommentPayload({ repository: REPO, number: pr, body: "/status", user: { login: "rita" } });
      expect(await bot.send("issue_comment", payload)).toBe(200);
      const reply = await waitFor(
        "the /status reply",
        () =>
          [...bot.github.state.comments.values()].find(
            (c) => c.issue === pr && String(c.body).includes(String(payload.comment.id)),
          ),
        90_000,
        250,
      );
      expect(reply.body).toContain("| api | 2/2 | berth-mgr ×2 |");
      const sticky = await waitFor(
        "the sticky comment to show the move",
        () =>
          [...bot.github.state.comments.values()].find(
            (c) =>
              c.issue === pr &&
              String(c.body).includes("<!-- berth:preview:pr-1030 -->") &&
              String(c.body).includes("berth-mgr ×2"),
          ),
        60_000,
        250,
      );
      expect(sticky.body).toContain("| web | 1/1 | berth-mgr |");
      expect(sticky.body).toContain(head.slice(0, 7));
      recordReliability({
        area: "fault",
        what: "worker node lost (two-node Swarm)",
        injected: "dockerd of berth-node2 (worker running one of api's 2 tasks) stopped",
        berthDid:
          "Swarm moved the task to berth-mgr; /status replied `api 2/2 berth-mgr ×2` and rewrote the sticky comment",
        recoverMs: rescheduledMs,
        lost: "nothing (URL kept serving; 2/2 tasks)",
      });
    } finally {
      node2("start");
      await waitNodeReady("berth-node2");
    }
  }, 480_000);

  it("the manager's dockerd restarted mid-deploy: the job retries and converges", async () => {
    const pr = 1031;
    const stack = `${APP}-pr-${pr}`;
    const head = sha();
    expect(await bot.pr("opened", APP, pr, head)).toBe(200);
    await waitFor(
      "the stack on the fault Swarm",
      () =>
        mgrDocker(["service", "ls", "-q", "--filter", `label=com.docker.stack.namespace=${stack}`]) ? true : undefined,
      120_000,
      200,
    );
    node2("stop", "mgr");
    await sleep(2_000);
    node2("start", "mgr");
    const backAt = Date.now();
    await waitNodeReady("berth-mgr");
    await waitFor("check run success", () => (runFor(head)?.conclusion === "success" ? true : undefined), 300_000, 500);
    const recoverMs = Date.now() - backAt;
    expect(await body(url(pr))).toBe(`berth-test-web sha=${head}`);
    const retried = bot.berth
      .output()
      .split("\n")
      .filter((l) => l.includes('"job failed"') && l.includes("Docker daemon"));
    expect(retried.length).toBeGreaterThanOrEqual(1);
    expect([...bot.github.state.checkRuns.values()].filter((r) => r.head_sha === head)).toHaveLength(1);
    await waitNodeReady("berth-node2");
    recordReliability({
      area: "fault",
      what: "manager dockerd restarted",
      injected: "the fault Swarm manager's dockerd stopped 2 s mid-deploy and started again",
      berthDid: `docker CLI errors retried with backoff (${retried.length} failed attempts), deploy converged`,
      recoverMs,
      lost: "nothing (one check run, success, the head serves)",
    });
  }, 480_000);
});
