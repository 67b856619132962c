// Untrusted code waits for an approval of its exact SHA: a fork PR gets "Waiting for approval" and nothing reaches
// the Swarm; an approval recorded for that SHA + the job delivered again → deployed; a new push → waiting again.
// (The /approve comment itself, with its permission check, is the commands feature's; here the store is written.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApprovalStore } from "../../app/adapters/redis/approvals.js";
import { waitFor } from "../../scripts/lib/wait-for.js";
import { waitForFinalDeploymentStatus, waitForQuiet } from "../../scripts/demo/recorded.js";
import { loadPayload } from "../fixtures/webhooks/index.js";
import { createRedis } from "../../app/adapters/redis/connection.js";
import {
  commentContaining,
  docker,
  lastCheck,
  PORT_BASE,
  polConfig,
  sha,
  stackLabel,
  startPolicyBot,
  type PolicyBot,
} from "../helpers/policies-bot.js";

const REPO = "acme/polgate";
const PR = 601;
const STACK = `polgate-pr-${PR}`;
const fork = {
  repository: REPO,
  number: PR,
  fork: true,
  authorAssociation: "CONTRIBUTOR",
  sender: { login: "outsider" },
} as const;
let bot: PolicyBot;
const redis = createRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");

beforeAll(async () => {
  bot = await startPolicyBot({ polgate: polConfig("polgate") });
});

afterAll(async () => {
  await bot?.stop([STACK]);
  redis.disconnect();
});

async function waitForCheck(mark: number, conclusion: string) {
  return waitFor(
    `a completed check run (${conclusion})`,
    () => {
      const c = lastCheck(bot, mark, REPO);
      return c?.status === "completed" && c.conclusion === conclusion ? c : undefined;
    },
    120_000,
    200,
  );
}

describe("fork PR approval gate through the real bot process", () => {
  const first = sha();

  it("fork PR opened → check 'Waiting for approval' naming who may approve; no deployment, nothing on the Swarm", async () => {
    const mark = bot.github.requests.length;
    await bot.send("pull_request", loadPayload("pull_request.opened", { ...fork, headSha: first }));
    const check = await waitForCheck(mark, "action_required");
    await waitForQuiet(bot.github, mark);
    expect(check.output.title).toBe("Waiting for approval");
    expect(check.output.summary).toContain("its author is CONTRIBUTOR");
    expect(check.output.summary).toContain("write, maintain or admin permission");
    expect(check.output.summary).toContain("`/approve` (or `/berth approve`)");
    expect(check.output.summary).toContain(`approves commit ${first.slice(0, 7)}`);
    const sent = bot.since(mark);
    expect(
      sent.filter((r) => r.method === "POST" && r.path === `/repos/${REPO}/check-runs`).map((r) => r.body.head_sha),
    ).toEqual([first]);
    expect(sent.some((r) => r.path.includes("/deployments"))).toBe(false);
    await commentContaining(bot, REPO, PR, "Waiting for approval");
    expect(docker("service", "ls", "-q", "--filter", stackLabel(STACK))).toBe("");
    expect(docker("secret", "ls", "-q", "--filter", `label=berth.stack=${STACK}`)).toBe("");
  });

  it("an approval of that SHA + the job delivered again → deployed and serving that SHA", async () => {
    await createApprovalStore(redis, bot.berth.queuePrefix).approve(REPO, PR, first, "maintainer");
    const mark = bot.github.requests.length;
    await bot.send("pull_request", loadPayload("pull_request.synchronize", { ...fork, headSha: first }));
    const final = await waitForFinalDeploymentStatus(bot.github, mark, 180_000);
    await waitForQuiet(bot.github, mark);
    expect(final).toMatchObject({ state: "success", environment_url: `http://127.0.0.1:${PORT_BASE + PR}` });
    expect((await (await fetch(final.environment_url!)).text()).trim()).toBe(`berth-test-web sha=${first}`);
    expect(lastCheck(bot, mark, REPO)).toMatchObject({ status: "completed", conclusion: "success" });
    await commentContaining(bot, REPO, PR, `Live at http://127.0.0.1:${PORT_BASE + PR}`);
  });

  it("a new push → waiting again; the approved SHA keeps serving, the new one is not deployed", async () => {
    const second = sha();
    const mark = bot.github.requests.length;
    await bot.send("pull_request", loadPayload("pull_request.synchronize", { ...fork, headSha: second }));
    const check = await waitForCheck(mark, "action_required");
    await waitForQuiet(bot.github, mark);
    expect(check.output.summary).toContain(`approves commit ${second.slice(0, 7)}`);
    expect(bot.since(mark).some((r) => r.method === "POST" && r.path.endsWith("/deployments"))).toBe(false);
    expect((await (await fetch(`http://127.0.0.1:${PORT_BASE + PR}`)).text()).trim()).toBe(
      `berth-test-web sha=${first}`,
    );
    const labels = docker("service", "inspect", `${STACK}_web`, "--format", "{{json .Spec.Labels}}");
    expect(JSON.parse(labels)["berth.sha"]).toBe(first);
  });

  it("a member's PR is trusted: deploys without approval", async () => {
    const head = sha();
    const mark = bot.github.requests.length;
    await bot.send(
      "pull_request",
      loadPayload("pull_request.synchronize", {
        repository: REPO,
        number: PR,
        authorAssociation: "MEMBER",
        headSha: head,
      }),
    );
    expect(await waitForFinalDeploymentStatus(bot.github, mark, 180_000)).toMatchObject({ state: "success" });
    await waitForQuiet(bot.github, mark);
    expect((await (await fetch(`http://127.0.0.1:${PORT_BASE + PR}`)).text()).trim()).toBe(
      `berth-test-web sha=${head}`,
    );
  });

  it("closed → torn down and the PR's approvals are forgotten", async () => {
    const mark = bot.github.requests.length;
    await bot.send("pull_request", loadPayload("pull_request.closed", { ...fork, headSha: first }));
    await waitForFinalDeploymentStatus(bot.github, mark, 180_000, ["inactive"]);
    await waitForQuiet(bot.github, mark);
    expect(docker("service", "ls", "-q", "--filter", stackLabel(STACK))).toBe("");
    expect(await createApprovalStore(redis, bot.berth.queuePrefix).approvalOf(REPO, PR, first)).toBeUndefined();
  });
});
