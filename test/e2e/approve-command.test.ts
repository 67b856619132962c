// The approval gate and the /approve command together, through the real bot process: a fork PR waits; a read-only
// user's /approve is refused and deploys nothing; a writer's /approve deploys exactly that commit; a new push waits
// again until someone approves the new commit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setPullRequest, commandState } from "../../scripts/github-stand-in/routes-commands.js";
import { waitFor } from "../../scripts/lib/wait-for.js";
import { waitForFinalDeploymentStatus, waitForQuiet } from "../../scripts/demo/recorded.js";
import { loadPayload } from "../fixtures/webhooks/index.js";
import { issueCommentPayload } from "../fixtures/webhooks/issue_comment.js";
import { commandReplyMarker } from "../../app/core/commands/replies.js";
import {
  docker,
  lastCheck,
  PORT_BASE,
  polConfig,
  sha,
  stackLabel,
  startPolicyBot,
  type PolicyBot,
} from "../helpers/policies-bot.js";

const REPO = "acme/polapprove";
const PR = 602;
const STACK = `polapprove-pr-${PR}`;
const URL_ = `http://127.0.0.1:${PORT_BASE + PR}`;
const fork = {
  repository: REPO,
  number: PR,
  fork: true,
  authorAssociation: "CONTRIBUTOR",
  sender: { login: "outsider" },
} as const;
let bot: PolicyBot;

beforeAll(async () => {
  bot = await startPolicyBot({ polapprove: polConfig("polapprove") });
  bot.github.setPermission(REPO, "rita", "read");
  bot.github.setPermission(REPO, "wendy", "write");
});

afterAll(async () => {
  await bot?.stop([STACK]);
});

const prComments = () => [...bot.github.state.comments.values()].filter((c) => c.repository === REPO && c.issue === PR);
const reactionsOn = (commentId: number) =>
  commandState(bot.github.state)
    .reactions.filter((r) => r.commentId === commentId)
    .map((r) => r.content);

async function comment(body: string, login: string) {
  const mark = bot.github.requests.length;
  const payload = issueCommentPayload({
    repository: REPO,
    number: PR,
    body,
    user: { login },
    authorAssociation: login === "wendy" ? "COLLABORATOR" : "NONE",
  });
  expect((await bot.send("issue_comment", payload)).status).toBe(200);
  const marker = commandReplyMarker(payload.comment.id);
  const reply = await waitFor(
    `the reply to ${body} by ${login}`,
    () => prComments().find((c) => c.body.includes(marker)),
    180_000,
    100,
  );
  await waitForQuiet(bot.github, mark);
  return { reply: reply.body as string, commentId: payload.comment.id, sent: bot.since(mark), mark };
}

async function waitingCheck(mark: number) {
  return waitFor(
    "a completed 'Waiting for approval' check",
    () => {
      const c = lastCheck(bot, mark, REPO);
      return c?.status === "completed" && c.conclusion === "action_required" ? c : undefined;
    },
    120_000,
    200,
  );
}

describe("fork PR approved by comment", () => {
  const first = sha();

  it("fork PR opened → waiting for approval, nothing on the Swarm", async () => {
    setPullRequest(bot.github.state, REPO, {
      number: PR,
      headSha: first,
      headRepository: "outsider/polapprove",
      authorAssociation: "CONTRIBUTOR",
      author: "outsider",
    });
    const mark = bot.github.requests.length;
    await bot.send("pull_request", loadPayload("pull_request.opened", { ...fork, headSha: first }));
    const check = await waitingCheck(mark);
    await waitForQuiet(bot.github, mark);
    expect(check.output.title).toBe("Waiting for approval");
    expect(bot.since(mark).some((r) => r.path.includes("/deployments"))).toBe(false);
    expect(docker("service", "ls", "-q", "--filter", stackLabel(STACK))).toBe("");
  });

  it("/approve by a read-only user → refused with the role it needs; still nothing deployed", async () => {
    const { reply, commentId, sent } = await comment("/approve", "rita");
    expect(reply).toContain("needs the developer role");
    expect(reactionsOn(commentId)).toEqual(["confused"]);
    expect(sent.some((r) => r.method === "POST" && r.path.endsWith("/deployments"))).toBe(false);
    expect(docker("service", "ls", "-q", "--filter", stackLabel(STACK))).toBe("");
  });

  it("/approve by a writer → that commit deploys and serves", async () => {
    const { reply, commentId, mark } = await comment("/approve", "wendy");
    expect(reactionsOn(commentId)).toEqual(["eyes", "rocket"]);
    expect(reply).toContain(first.slice(0, 7));
    const final = await waitForFinalDeploymentStatus(bot.github, mark, 180_000);
    expect(final).toMatchObject({ state: "success", environment_url: URL_ });
    expect((await (await fetch(URL_)).text()).trim()).toBe(`berth-test-web sha=${first}`);
  });

  it("a new push → waiting again; the approved commit keeps serving", async () => {
    const second = sha();
    setPullRequest(bot.github.state, REPO, {
      number: PR,
      headSha: second,
      headRepository: "outsider/polapprove",
      authorAssociation: "CONTRIBUTOR",
      author: "outsider",
    });
    const mark = bot.github.requests.length;
    await bot.send("pull_request", loadPayload("pull_request.synchronize", { ...fork, headSha: second }));
    const check = await waitingCheck(mark);
    await waitForQuiet(bot.github, mark);
    expect(check.output.summary).toContain(`approves commit ${second.slice(0, 7)}`);
    expect(bot.since(mark).some((r) => r.method === "POST" && r.path.endsWith("/deployments"))).toBe(false);
    expect((await (await fetch(URL_)).text()).trim()).toBe(`berth-test-web sha=${first}`);
  });
});
