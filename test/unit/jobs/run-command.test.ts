// runCommand's refusals (parse, role, checks) and answers: a comment runs whole or not at all, 👀 when accepted,
// 🚀 or 😕 at the end, and one reply naming every line. Nothing refused reaches the Swarm or the queue.
import { describe, expect, it } from "vitest";
import { commandWorld, reactionsOn, replyTo } from "../../helpers/command-world.js";
import { fakeWorld } from "../../helpers/fakes/index.js";
import { REPOSITORY } from "../../helpers/config-builder.js";
import { commandJob, ctx, pullRequest } from "../../helpers/job-builders.js";
import { runCommand } from "../../../app/jobs/run-command.js";

const run = (w: ReturnType<typeof commandWorld>, body: string, sender = "alice") =>
  runCommand(commandJob(body, { sender }), ctx(), w.deps);

describe("runCommand: refused before anything runs", () => {
  it.each([
    ["/frobnicate", "- `/frobnicate`: unknown command '/frobnicate'"],
    ["/scale web 3; rm -rf /", "contains ';': commands take plain words and numbers only, one command per line"],
    ["/scale web", "/scale takes a service and a replica count (got 1 argument); usage: `/scale <service> <replicas>`"],
  ])("%s does not parse: 😕 and why, no permission asked, nothing run", async (body, why) => {
    const w = commandWorld();
    const result = await run(w, body);
    expect(result).toEqual({ outcome: "failed", reason: "😕 Nothing was run:", refused: true });
    expect(replyTo(w)).toContain(why);
    expect(reactionsOn(w)).toEqual(["confused"]);
    expect(w.github.apis()).toEqual(["react", "reply"]);
    expect(w.swarm.calls).toEqual([]);
  });

  it("an unknown command also lists the commands", async () => {
    const w = commandWorld();
    await run(w, "/frobnicate");
    expect(replyTo(w)).toContain("- `/scale <service> <replicas>` —");
  });

  it("role: a developer may not /destroy; the reply names the role needed and the one the permission gives", async () => {
    const w = commandWorld();
    const result = await run(w, "/destroy");
    expect(result.outcome).toBe("failed");
    expect(replyTo(w)).toBe(
      "😕 @alice may not run this; nothing was run:\n\n" +
        "- `/destroy`: destroy needs the admin role; your 'write' permission on this repository gives the developer role",
    );
    expect(reactionsOn(w)).toEqual(["confused"]);
    expect(w.swarm.calls).toEqual([]);
  });

  it("role: one refused line refuses the whole comment (the /redeploy next to it does not run)", async () => {
    const w = commandWorld();
    await run(w, "/redeploy\n/deploy production");
    expect(replyTo(w)).toContain("- `/deploy production`: deploy production needs the admin role");
    expect(replyTo(w)).not.toContain("/redeploy`:");
    expect(w.swarm.calls).toEqual([]);
    expect(w.queue.jobs).toEqual([]);
  });

  it("role: someone without any permission may not even ask for /status", async () => {
    const w = commandWorld();
    await run(w, "/status", "stranger");
    expect(replyTo(w)).toContain("@stranger may not run this");
    expect(w.github.callsOf("permissionOf").map((c) => c.login)).toEqual(["stranger"]);
  });

  it.each([
    ["/scale db 2", "service 'db' is not in this preview's stack (services: web)"],
    ["/scale web 9", "9 replicas is over the limit for 'web' (maxReplicas 8 in deploy-configs/shop.yml)"],
    [
      "/scale web 7",
      "the preview would run 7 replicas in all, over its quota of 6 (commands.replicaQuota in deploy-configs/shop.yml)",
    ],
    ["/logs db", "service 'db' is not in this preview's stack (services: web)"],
    [
      "/logs web --tail 5000",
      "--tail 5000 is over the limit of 500 lines (commands.logTailMax in deploy-configs/shop.yml)",
    ],
    ["/rollback", "this preview has no earlier deploy to go back to"],
    ["/rollback ddddddd", "ddddddd was never deployed to this preview; /rollback takes a commit of an earlier deploy"],
  ])("checks: %s is refused (%s), and the whole comment with it", async (line, why) => {
    const w = commandWorld();
    const result = await run(w, `/redeploy\n${line}`);
    expect(result).toEqual({ outcome: "failed", reason: "😕 Refused; nothing was run:", refused: true });
    expect(replyTo(w)).toContain(`- \`${line}\`: ${why}`);
    expect(w.swarm.writes()).toEqual([]);
    expect(reactionsOn(w)).toEqual(["confused"]);
  });

  it("checks: a closed PR gets no deploy, a preview-less repository no preview command", async () => {
    const w = commandWorld();
    w.commands.pulls.set(7, pullRequest({ state: "closed" }));
    await run(w, "/redeploy");
    expect(replyTo(w)).toContain("this pull request is closed; reopen it to deploy its preview");

    const off = commandWorld({ preview: { enabled: false } });
    await run(off, "/scale web 2");
    expect(replyTo(off)).toContain(
      "previews are disabled for this repository (preview.enabled in deploy-configs/shop.yml)",
    );
  });

  it("an invalid config answers that no command runs until it is fixed", async () => {
    const w = fakeWorld();
    w.configs.setInvalid(REPOSITORY, "deploy-configs/shop.yml", [
      { file: "deploy-configs/shop.yml", line: 4, col: 3, path: "/app", message: "required" },
    ]);
    const result = await runCommand(commandJob("/status"), ctx(), w.deps);
    expect(result.outcome).toBe("failed");
    expect(replyTo(w)).toContain("😕 The deploy config for this repository is invalid, so no command runs");
    expect(replyTo(w)).toContain("deploy-configs/shop.yml:4:3");
    expect(reactionsOn(w)).toEqual(["confused"]);
  });
});

describe("runCommand: silent, and accepted", () => {
  it("stays silent without a command line, without a config (another bot may own it), with commands disabled", async () => {
    const w = commandWorld();
    expect(await run(w, "thanks, looks good")).toEqual({
      outcome: "skipped",
      reason: "no command line in the comment",
    });
    expect(await runCommand(commandJob("/status", { repository: "acme/other" }), ctx(), w.deps)).toEqual({
      outcome: "skipped",
      reason: "no deploy config",
    });
    const off = commandWorld({ commands: { enabled: false } });
    expect(await run(off, "/status")).toEqual({ outcome: "skipped", reason: "commands disabled in config" });
    expect([...w.github.calls, ...off.github.calls]).toEqual([]);
  });

  it("/help alone answers with the commands and 🚀, without reading the PR", async () => {
    const w = commandWorld();
    await run(w, "/help", "rita");
    expect(replyTo(w)).toMatch(/^Berth commands/);
    expect(reactionsOn(w)).toEqual(["rocket"]);
    expect(w.github.callsOf("pullRequest")).toEqual([]);
  });

  it("an accepted comment gets 👀, runs every line in order, then 🚀 and one reply with each line's result", async () => {
    const w = commandWorld();
    const result = await run(w, "/redeploy\n/status");
    expect(result).toEqual({ outcome: "done", detail: "commands ran" });
    expect(reactionsOn(w)).toEqual(["eyes", "rocket"]);
    expect(replyTo(w)).toBe(
      "🚀 Done:\n\n**`/redeploy`** — `aaaaaaa` is live at http://127.0.0.1:20007\n\n" +
        "**`/status`** — \n\n| service | running/desired |\n|---|---|\n| web | 1/1 |",
    );
    expect(w.github.apis().indexOf("react")).toBeLessThan(w.github.apis().indexOf("createCheckRun"));
  });

  it("a line that fails stops the comment: later lines are not run, 😕 and the error", async () => {
    const w = commandWorld();
    w.swarm.script("shop-pr-7", { kind: "tasks-failing" });
    const result = await run(w, "/redeploy\n/scale web 2");
    expect(result.outcome).toBe("failed");
    expect(reactionsOn(w)).toEqual(["eyes", "confused"]);
    expect(replyTo(w)).toContain(
      "**`/redeploy`** — deploy of `aaaaaaa` failed: 3 tasks failed; last: web: task: non-zero exit (1)",
    );
    expect(replyTo(w)).toContain("**`/scale web 2`** — not run: an earlier command of this comment failed");
    expect(await w.replicas.get(REPOSITORY, 7)).toEqual({});
  });

  it("a rerun of the same command job edits its first reply instead of posting another", async () => {
    const w = commandWorld();
    await run(w, "/status");
    await run(w, "/status");
    expect(w.github.apis().filter((a) => a === "reply" || a === "editReply")).toEqual(["reply", "editReply"]);
    expect(replyTo(w)).toContain("no preview is running");
  });

  it("a worker without a GitHub client for commands fails for good", async () => {
    const w = commandWorld();
    delete w.deps.commandGitHubFor;
    await expect(run(w, "/status")).rejects.toThrow("without a GitHub client for commands");
  });
});
