// Each command's action through runCommand and the fakes: what reaches the Swarm, the stores and the queue, and
// the line of the reply that says so. Deploys and teardowns go through the same jobs as PR events.
import { describe, expect, it } from "vitest";
import { commandWorld, reactionsOn, replyTo } from "../../helpers/command-world.js";
import { REPOSITORY } from "../../helpers/config-builder.js";
import {
  commandJob,
  commit,
  ctx,
  environmentJob,
  previewJob,
  pullRequest,
  SHA,
  SHA2,
} from "../../helpers/job-builders.js";
import { deployPreview } from "../../../app/jobs/deploy-preview.js";
import { deployEnvironment } from "../../../app/jobs/deploy-environment.js";
import { runCommand } from "../../../app/jobs/run-command.js";
import { reportJobFailure } from "../../../app/jobs/report-job-failure.js";

const STACK = "shop-pr-7";
type World = ReturnType<typeof commandWorld>;
const run = (w: World, body: string, sender = "alice") => runCommand(commandJob(body, { sender }), ctx("cmd"), w.deps);
const result = (w: World) => replyTo(w).split("— ").slice(1).join("— ");

async function live(w: World, sha = SHA): Promise<void> {
  w.commands.pulls.set(7, pullRequest({ headSha: sha })); // a PR event deploys only the PR's current head
  expect((await deployPreview(previewJob({ sha }), ctx(`deploy-${sha[0]}`), w.deps)).outcome).toBe("deployed");
  w.swarm.calls.length = 0;
}

describe("command actions on the preview", () => {
  it("/status shows each service's running/desired", async () => {
    const w = commandWorld();
    await live(w);
    await run(w, "/status", "rita");
    expect(result(w)).toBe("\n\n| service | running/desired |\n|---|---|\n| web | 1/1 |");
  });

  it("/logs shows the service's last lines with tokens redacted", async () => {
    const w = commandWorld();
    await live(w);
    w.swarm.logs.set(`${STACK}_web`, ["started", "token ghp_abcdefghijklmnopqrstuvwxyz0123456789 used"]);
    await run(w, "/logs web --tail 5", "rita");
    expect(result(w)).toContain("last 2 lines of `web`:");
    expect(result(w)).toContain("started");
    expect(result(w)).not.toContain("ghp_abcdefghijklmnopqrstuvwxyz0123456789");
    expect(w.swarm.calls.filter((c) => c.op === "serviceLogs").map((c) => c.arg)).toEqual([`${STACK}_web`]);
  });

  it("/scale stores the count, scales the running service (no redeploy), and later pushes keep it", async () => {
    const w = commandWorld();
    await live(w);
    await run(w, "/scale web 3");
    expect(result(w)).toBe(
      "`web` runs 3/3 healthy replicas; later pushes keep 3 until the config's replicas change or the PR closes",
    );
    expect(await w.replicas.get(REPOSITORY, 7)).toEqual({ web: { replicas: 3, baseline: 1 } });
    expect(w.swarm.writes().map((c) => [c.op, c.arg])).toEqual([["scaleService", "3"]]);
    w.commands.pulls.set(7, pullRequest({ headSha: SHA2 }));
    expect((await deployPreview(previewJob({ sha: SHA2 }), ctx("push"), w.deps)).outcome).toBe("deployed");
    expect(w.swarm.lastCompose(STACK).services!.web!.deploy?.replicas).toBe(3);
  });

  it("/scale that does not become healthy restores the count that ran before", async () => {
    const w = commandWorld();
    await w.replicas.set(REPOSITORY, 7, "web", { replicas: 2, baseline: 1 });
    await live(w);
    w.swarm.script(STACK, { kind: "tasks-failing" });
    await run(w, "/scale web 5");
    expect(result(w)).toContain("scaling `web` to 5 did not become healthy");
    expect(await w.replicas.get(REPOSITORY, 7)).toEqual({ web: { replicas: 2, baseline: 1 } });
    expect(reactionsOn(w)).toEqual(["eyes", "confused"]);
  });

  it("/scale of a preview removed while it scales: no scale-back to a stack that is gone, the reply says so", async () => {
    const w = commandWorld();
    await live(w);
    w.swarm.script(STACK, { kind: "removed" });
    await run(w, "/scale web 3");
    expect(result(w)).toContain("the stack was removed while Berth watched it");
    expect(w.swarm.writes().map((c) => [c.op, c.arg])).toEqual([["scaleService", "3"]]);
    expect(reactionsOn(w)).toEqual(["eyes", "confused"]);
  });

  it("/redeploy deploys the PR head as it is now on GitHub", async () => {
    const w = commandWorld();
    w.commands.pulls.set(7, pullRequest({ headSha: SHA2 }));
    await run(w, "/redeploy");
    expect(result(w)).toBe("`bbbbbbb` is live at http://127.0.0.1:20007");
    expect(w.swarm.lastCompose(STACK).services!.web!.deploy?.labels?.["berth.sha"]).toBe(SHA2);
  });

  it("/redeploy of a fork's PR waits for approval; /approve records it and deploys that commit", async () => {
    const w = commandWorld();
    w.commands.pulls.set(7, pullRequest({ headRepository: "mallory/shop", authorAssociation: "CONTRIBUTOR" }));
    await run(w, "/redeploy");
    expect(result(w)).toBe("deploy of `aaaaaaa` failed: waiting for approval");
    expect(w.swarm.writes()).toEqual([]);

    const approved = commandWorld();
    approved.commands.pulls.set(7, pullRequest({ headRepository: "mallory/shop" }));
    await run(approved, "/approve");
    expect(result(approved)).toBe(
      "approved `aaaaaaa` (a new push needs a new /approve); `aaaaaaa` is live at http://127.0.0.1:20007",
    );
    expect(await approved.approvals.approvalOf(REPOSITORY, 7, SHA)).toMatchObject({ by: "alice" });
  });

  it("/rollback redeploys the preview's previous deployed commit, /rollback <sha> a named one", async () => {
    const w = commandWorld();
    await live(w, SHA);
    await live(w, SHA2);
    await run(w, "/rollback");
    expect(result(w)).toBe("`aaaaaaa` is live at http://127.0.0.1:20007");
    expect(w.github.callsOf("deployedShas").map((c) => c.environment)).toEqual(["pr-7"]);
    expect(w.swarm.lastCompose(STACK).services!.web!.deploy?.labels?.["berth.sha"]).toBe(SHA);
  });

  it("/destroy (admin) tears the preview down through the teardown job", async () => {
    const w = commandWorld();
    await w.replicas.set(REPOSITORY, 7, "web", { replicas: 2, baseline: 1 });
    await live(w);
    await run(w, "/destroy", "root");
    expect(result(w)).toBe("preview `shop-pr-7` removed; push or /redeploy to deploy it again");
    expect(w.swarm.writes().map((c) => [c.op, c.stack])).toEqual([["removeStack", STACK]]);
    expect(w.github.callsOf("createDeploymentStatus").at(-1)!.status).toMatchObject({
      state: "inactive",
      description: "Preview removed: PR destroyed",
    });
    expect(await w.replicas.get(REPOSITORY, 7)).toEqual({});
  });
});

describe("command actions on staging and production: queued for their own job", () => {
  it("/deploy staging queues the PR head as a command commit", async () => {
    const w = commandWorld();
    await run(w, "/deploy staging");
    expect(result(w)).toBe(
      "deploy of `aaaaaaa` to staging queued (job delivery-command:0); its check run and deployment report the outcome",
    );
    expect(w.queue.ofKind("deploy-environment")).toEqual([
      expect.objectContaining({
        environment: "staging",
        target: { kind: "commit", sha: SHA, ref: "", trigger: "command" },
        pr: 7,
      }),
    ]);
    expect(w.swarm.calls).toEqual([]);
  });

  it("/deploy production (admin) queues a promotion of staging", async () => {
    const w = commandWorld();
    await run(w, "/deploy production", "root");
    expect(result(w)).toContain("promotion of staging to production queued");
    expect(w.queue.ofKind("deploy-environment")[0]).toMatchObject({
      environment: "production",
      target: { kind: "promote-staging" },
    });
  });

  it("/rollback staging queues the previous release; /rollback staging <sha> that commit's release", async () => {
    const w = commandWorld();
    await deployEnvironment(environmentJob(), ctx("s1"), w.deps);
    await run(w, "/rollback staging");
    expect(result(w)).toContain("rollback of staging: only aaaaaaa was ever released here; nothing older to restore");
    expect(w.queue.jobs).toEqual([]);

    const two = commandWorld();
    await deployEnvironment(environmentJob(), ctx("s1"), two.deps);
    await deployEnvironment(environmentJob({ target: commit(SHA2) }), ctx("s2"), two.deps);
    await runCommand(commandJob("/rollback staging", { commentId: 1 }), ctx("c1"), two.deps);
    expect(replyTo(two, 1)).toContain("rollback of staging to the previous release queued");
    await runCommand(commandJob("/rollback staging aaaaaaa", { commentId: 2, deliveryId: "d2" }), ctx("c2"), two.deps);
    expect(replyTo(two, 2)).toContain("rollback of staging to `aaaaaaa` queued");
    expect(two.queue.ofKind("deploy-environment").map((j) => j.target)).toEqual([
      { kind: "previous-release" },
      { kind: "release-of-commit", sha: "aaaaaaa" },
    ]);
    expect(two.swarm.deploysOf("shop-staging")).toHaveLength(2); // the rollback itself runs in its own job
  });

  it("/rollback production <sha> of a commit not in the history is refused at the command, nothing queued", async () => {
    const w = commandWorld();
    await run(w, "/rollback production ddddddd", "root");
    expect(result(w)).toContain("rollback of production: no releases recorded for this environment yet");
    expect(w.queue.jobs).toEqual([]);
    expect(reactionsOn(w)).toEqual(["eyes", "confused"]);
  });
});

describe("a command job that gave up", () => {
  it("answers the comment with 😕 and the (redacted) error, naming the job", async () => {
    const w = commandWorld();
    await reportJobFailure(
      commandJob("/redeploy"),
      "job-9",
      new Error("GitHub 502 ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
      w.deps,
    );
    expect(reactionsOn(w)).toEqual(["confused"]);
    expect(replyTo(w)).toMatch(
      /^😕 The command could not run: GitHub 502 .*\. Try again in a while; an admin can find job job-9/,
    );
    expect(replyTo(w)).not.toContain("ghp_abcdefghijklmnopqrstuvwxyz0123456789");
  });
});
