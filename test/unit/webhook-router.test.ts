// The webhook router: handlers by event and by event.action, all of them run, the first failure is reported, and a
// handler that tries to call GitHub is stopped with a message saying why.
import { describe, expect, it } from "vitest";
import pino from "pino";
import type { Context } from "probot";
import { webhookRouter, type EventRegistry } from "../../app/main/webhook-router.js";

const log = pino({ level: "silent" });

describe("webhook router", () => {
  it("runs the handlers of the event and of its action, with id, name, payload and isBot", async () => {
    const seen: string[] = [];
    const receive = webhookRouter((app: EventRegistry) => {
      app.on("pull_request", async (c) => void seen.push(`any ${c.id} ${c.name}`));
      app.on(
        ["pull_request.opened", "pull_request.closed"],
        async (c) => void seen.push(`opened ${c.payload.number} bot=${c.isBot}`),
      );
      app.on("push", async () => void seen.push("push"));
    }, log);
    await receive({
      id: "d1",
      name: "pull_request",
      payload: { action: "opened", number: 7, sender: { type: "Bot" } },
    });
    await receive({ id: "d2", name: "pull_request", payload: { action: "labeled", number: 7 } });
    await receive({ id: "d3", name: "ping", payload: {} });
    expect(seen).toEqual(["any d1 pull_request", "opened 7 bot=true", "any d2 pull_request"]);
  });

  it("lets every handler finish and then rejects with the first failure", async () => {
    const done: string[] = [];
    const receive = webhookRouter((app: EventRegistry) => {
      app.on("push", async () => {
        throw new Error("queue down");
      });
      app.on("push", async () => {
        await new Promise((r) => setTimeout(r, 5));
        done.push("second");
      });
    }, log);
    await expect(receive({ id: "d", name: "push", payload: {} })).rejects.toThrow("queue down");
    expect(done).toEqual(["second"]);
  });

  it("refuses a GitHub call from a handler: the request path only enqueues", async () => {
    const receive = webhookRouter((app: EventRegistry) => {
      app.on("push", async (c: Context<"push">) => {
        await c.octokit.rest.issues.createComment({ owner: "a", repo: "b", issue_number: 1, body: "x" });
      });
    }, log);
    await expect(receive({ id: "d", name: "push", payload: {} })).rejects.toThrow(
      /webhook handlers do not call GitHub \(context\.octokit\.rest\)/,
    );
  });
});
