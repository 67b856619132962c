// Preview lifecycle policies through the real bot process: the TTL sweeper (a BullMQ job scheduler, every 2 s here)
// tears an idle preview down and says so in its comment; the cap refuses a preview beyond it, or evicts the least
// recently active one; a quota refuses 4 CPUs where 1 is allowed, with the numbers, before the Swarm sees anything;
// a secret whose value changed gets a new Swarm secret and the old one is removed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "../../scripts/lib/wait-for.js";
import { waitForFinalDeploymentStatus, waitForQuiet } from "../../scripts/demo/recorded.js";
import { loadPayload } from "../fixtures/webhooks/index.js";
import {
  commentContaining,
  docker,
  lastCheck,
  polConfig,
  sha,
  stackLabel,
  startPolicyBot,
  type PolicyBot,
} from "../helpers/policies-bot.js";

let bot: PolicyBot;
const TTL_SECONDS = 15;
const STACKS = [
  "polttl-pr-651",
  "polcap-pr-631",
  "polcap-pr-632",
  "polcap-pr-633",
  "polevict-pr-641",
  "polevict-pr-642",
  "polquota-pr-671",
  "polrot-pr-661",
  "polrepo-pr-681",
  "polrepo-pr-682",
];
const rotDir = mkdtempSync(join(tmpdir(), "berth-pol-secret-"));
const SECRET_FILE = join(rotDir, "api-token");

beforeAll(async () => {
  bot = await startPolicyBot(
    {
      polttl: polConfig("polttl", { preview: [`ttlSeconds: ${TTL_SECONDS}`] }),
      polcap: polConfig("polcap", { preview: ["maxLive: 2"] }),
      polevict: polConfig("polevict", { preview: ["maxLive: 1", "onCap: evict-lru"] }),
      polrepo: polConfig("polrepo", { top: ["quotas:", "  repository: { cpus: 0.75 }"] }),
      polquota: polConfig("polquota", {
        top: ["quotas:", "  preview: { cpus: 1 }"],
        web: ["resources:", "  limits: { cpus: 4 }"],
      }),
      // The secret file sits in a directory the test creates below; its path comes from the bot's environment.
      polrot: polConfig("polrot", {
        top: ["secrets:", '  api_token: { file: "${POL_ROT_FILE}" }'],
        web: ["secrets: [api_token]"],
      }),
    },
    { BERTH_SWEEP_INTERVAL_SECONDS: "2", POL_ROT_FILE: SECRET_FILE },
  );
});

afterAll(async () => {
  await bot?.stop(STACKS);
  rmSync(rotDir, { recursive: true, force: true });
});

async function deploy(repo: string, pr: number, head = sha(), action: "opened" | "synchronize" = "opened") {
  const mark = bot.github.requests.length;
  await bot.send(
    "pull_request",
    loadPayload(`pull_request.${action}`, { repository: repo, number: pr, headSha: head }),
  );
  const final = await waitForFinalDeploymentStatus(bot.github, mark, 180_000);
  await waitForQuiet(bot.github, mark);
  return { mark, final };
}

const live = (stack: string) => docker("service", "ls", "-q", "--filter", stackLabel(stack)) !== "";

describe("TTL, caps and quotas through the real bot process", () => {
  it("an idle preview is torn down by the sweeper once its TTL passed; its comment says so and how to bring it back", async () => {
    const { mark, final } = await deploy("acme/polttl", 651);
    expect(final.state).toBe("success");
    const inactive = await waitForFinalDeploymentStatus(bot.github, mark, (TTL_SECONDS + 60) * 1000, ["inactive"]);
    expect(inactive.description).toBe("Preview removed: expired");
    await waitForQuiet(bot.github, mark);
    expect(live("polttl-pr-651")).toBe(false);
    const comment = await commentContaining(
      bot,
      "acme/polttl",
      651,
      `**Preview expired** (idle for more than ${TTL_SECONDS} s)`,
    );
    expect(comment).toContain("Comment `/redeploy` to bring it back.");
    expect(bot.berth.output()).toMatch(/idle previews expired; teardown queued/);
  });

  it("cap 2 (refuse): a third preview gets a failing check naming the live ones; nothing deployed", async () => {
    expect((await deploy("acme/polcap", 631)).final.state).toBe("success");
    expect((await deploy("acme/polcap", 632)).final.state).toBe("success");
    const mark = bot.github.requests.length;
    await bot.send(
      "pull_request",
      loadPayload("pull_request.opened", { repository: "acme/polcap", number: 633, headSha: sha() }),
    );
    const check = await waitFor(
      "the refusing check",
      () => {
        const c = lastCheck(bot, mark, "acme/polcap");
        return c?.status === "completed" ? c : undefined;
      },
      60_000,
      200,
    );
    await waitForQuiet(bot.github, mark);
    expect(check).toMatchObject({
      conclusion: "failure",
      output: { title: "Not deployed: preview cap reached (2 of 2 live)" },
    });
    expect(check.output.summary).toContain(
      "acme/polcap allows 2 live previews (preview.maxLive) and pr-631, pr-632 are running",
    );
    expect(bot.since(mark).some((r) => r.path.includes("/deployments"))).toBe(false);
    expect(live("polcap-pr-633")).toBe(false);
    await commentContaining(bot, "acme/polcap", 633, "⛔ **Not deployed**: preview cap reached (2 of 2 live).");
  });

  it("cap 1 (evict-lru): a new preview evicts the least recently active one, whose comment says so", async () => {
    expect((await deploy("acme/polevict", 641)).final.state).toBe("success");
    const { mark, final } = await deploy("acme/polevict", 642);
    expect(final.state).toBe("success");
    await waitFor("pr-641 evicted", () => (live("polevict-pr-641") ? undefined : true), 120_000, 500);
    await waitForQuiet(bot.github, mark);
    await commentContaining(bot, "acme/polevict", 641, "**Preview evicted**");
    const statuses = bot
      .since(mark)
      .filter((r) => r.method === "POST" && /statuses$/.test(r.path))
      .map((r) => r.body.description);
    expect(statuses).toContain("Preview removed: evicted");
    expect(live("polevict-pr-642")).toBe(true);
  });

  it("a config asking 4 CPUs where the preview quota is 1 is refused with the numbers; nothing deployed", async () => {
    const mark = bot.github.requests.length;
    await bot.send(
      "pull_request",
      loadPayload("pull_request.opened", { repository: "acme/polquota", number: 671, headSha: sha() }),
    );
    const check = await waitFor(
      "the quota check",
      () => {
        const c = lastCheck(bot, mark, "acme/polquota");
        return c?.status === "completed" ? c : undefined;
      },
      60_000,
      200,
    );
    await waitForQuiet(bot.github, mark);
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain(
      "web asks 4 CPUs of CPU limit (web 4 CPUs × 1 replica); the preview quota is 1 CPU",
    );
    expect(bot.since(mark).some((r) => r.path.includes("/deployments"))).toBe(false);
    expect(live("polquota-pr-671")).toBe(false);
  });

  it("the repository quota counts what its other live previews use on the Swarm", async () => {
    expect((await deploy("acme/polrepo", 681)).final.state).toBe("success");
    const mark = bot.github.requests.length;
    await bot.send(
      "pull_request",
      loadPayload("pull_request.opened", { repository: "acme/polrepo", number: 682, headSha: sha() }),
    );
    const check = await waitFor(
      "the repository quota check",
      () => {
        const c = lastCheck(bot, mark, "acme/polrepo");
        return c?.status === "completed" ? c : undefined;
      },
      60_000,
      200,
    );
    await waitForQuiet(bot.github, mark);
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain(
      "web asks 0.5 CPUs of CPU limit (web 0.5 CPUs × 1 replica) on top of 0.5 CPUs used by its other live environments; the repository quota is 0.75 CPUs",
    );
    expect(live("polrepo-pr-682")).toBe(false);
    expect(live("polrepo-pr-681")).toBe(true);
  });

  it("a secret file that cannot be read refuses the deploy with what to fix; a changed value gets a new secret and the old one goes", async () => {
    // The file does not exist yet: a clear failure, nothing deployed.
    const mark = bot.github.requests.length;
    await bot.send(
      "pull_request",
      loadPayload("pull_request.opened", { repository: "acme/polrot", number: 661, headSha: sha() }),
    );
    const check = await waitFor(
      "the secret check",
      () => {
        const c = lastCheck(bot, mark, "acme/polrot");
        return c?.status === "completed" ? c : undefined;
      },
      60_000,
      200,
    );
    await waitForQuiet(bot.github, mark);
    expect(check.output.summary).toContain(
      `cannot read ${SECRET_FILE} on the bot's machine (ENOENT); create it or fix the path`,
    );
    expect(live("polrot-pr-661")).toBe(false);

    const secrets = () =>
      docker("secret", "ls", "--filter", "label=berth.stack=polrot-pr-661", "--format", "{{.Name}}")
        .split("\n")
        .filter(Boolean);
    const mounted = () =>
      docker(
        "exec",
        docker("ps", "-q", "--filter", "label=com.docker.swarm.service.name=polrot-pr-661_web").split("\n")[0]!,
        "cat",
        "/run/secrets/api_token",
      );
    const one = `first-${randomBytes(8).toString("hex")}`;
    writeFileSync(SECRET_FILE, one);
    expect((await deploy("acme/polrot", 661, sha(), "synchronize")).final.state).toBe("success");
    const first = secrets();
    expect(first).toHaveLength(1);
    expect(mounted()).toBe(one);

    const two = `second-${randomBytes(8).toString("hex")}`;
    writeFileSync(SECRET_FILE, two);
    expect((await deploy("acme/polrot", 661, sha(), "synchronize")).final.state).toBe("success");
    // Success is said as soon as the new spec runs healthy; the old secret goes once Swarm completed the update (a
    // rollback within its monitor window would still need it).
    const second = await waitFor(
      "the old secret to go",
      () => (secrets().length === 1 ? secrets() : undefined),
      60_000,
      500,
    );
    expect(second).toHaveLength(1);
    expect(second[0]).not.toBe(first[0]);
    expect(mounted()).toBe(two);
    for (const value of [one, two]) expect(bot.berth.output().split(value)).toHaveLength(1);
  });
});
