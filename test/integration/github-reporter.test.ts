// The Octokit reporter against nock: the exact requests Berth sends to GitHub, and how GitHub's errors are
// classified for the queue (retry or not).
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import nock from "nock";
import { Octokit } from "@octokit/rest";
import { createGitHubReporter } from "../../app/adapters/github/octokit-reporter.js";
import { FinalError, TransientError } from "../../app/errors.js";

const API = "https://api.github.com";
const repo = { owner: "acme", repo: "shop" };
const reporter = () => createGitHubReporter(new Octokit({ auth: "ghs_test", request: { retries: 0 } }) as never);

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
});
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

describe("GitHub reporter (nock)", () => {
  it("creates and completes a check run with exact bodies", async () => {
    nock(API)
      .post(
        "/repos/acme/shop/check-runs",
        (b) =>
          b.name === "Berth / preview" &&
          b.head_sha === "a".repeat(40) &&
          b.status === "queued" &&
          b.external_id === "job-1" &&
          b.output.title === "Queued",
      )
      .reply(201, { id: 77, html_url: "https://github.com/acme/shop/runs/77" })
      .patch(
        "/repos/acme/shop/check-runs/77",
        (b) =>
          b.status === "completed" &&
          b.conclusion === "success" &&
          typeof b.completed_at === "string" &&
          b.output.title === "Preview is live",
      )
      .reply(200, {});
    const r = reporter();
    expect(
      await r.createCheckRun(
        repo,
        "Berth / preview",
        "a".repeat(40),
        { status: "queued", title: "Queued", summary: "s" },
        "job-1",
      ),
    ).toEqual({ id: 77, url: "https://github.com/acme/shop/runs/77" });
    await r.updateCheckRun(repo, 77, {
      status: "completed",
      conclusion: "success",
      title: "Preview is live",
      summary: "ok",
    });
  });

  it("creates a transient preview deployment and its statuses", async () => {
    nock(API)
      .post("/repos/acme/shop/deployments", {
        ref: "b".repeat(40),
        environment: "pr-123",
        description: "d",
        transient_environment: true,
        production_environment: false,
        required_contexts: [],
        auto_merge: false,
        task: "deploy",
        payload: { stack: "shop-pr-123" },
      })
      .reply(201, { id: 5 })
      .post("/repos/acme/shop/deployments/5/statuses", {
        state: "success",
        description: "live",
        environment_url: "http://127.0.0.1:20123",
        log_url: "https://github.com/acme/shop/runs/77",
        auto_inactive: true,
      })
      .reply(201, {});
    const r = reporter();
    const id = await r.createDeployment(repo, {
      ref: "b".repeat(40),
      environment: "pr-123",
      description: "d",
      transient: true,
      production: false,
      payload: { stack: "shop-pr-123" },
    });
    expect(id).toBe(5);
    await r.createDeploymentStatus(repo, 5, {
      state: "success",
      description: "live",
      environmentUrl: "http://127.0.0.1:20123",
      logUrl: "https://github.com/acme/shop/runs/77",
    });
  });

  it("edits its own sticky comment, never a human's that quotes the marker, and creates one when none exists", async () => {
    const marker = "<!-- berth:preview:pr-123 -->";
    nock(API)
      .get("/repos/acme/shop/issues/123/comments")
      .query({ per_page: 100 })
      .reply(200, [
        { id: 1, body: `quoting ${marker}`, user: { login: "octocat", type: "User" } },
        { id: 2, body: `${marker}\nold`, user: { login: "berth[bot]", type: "Bot" } },
      ])
      .patch("/repos/acme/shop/issues/comments/2", { body: `${marker}\nnew` })
      .reply(200, {})
      .get("/repos/acme/shop/issues/124/comments")
      .query({ per_page: 100 })
      .reply(200, [])
      .post("/repos/acme/shop/issues/124/comments", { body: `${marker}\nfirst` })
      .reply(201, { id: 9 });
    const r = reporter();
    expect(await r.upsertStickyComment(repo, 123, marker, `${marker}\nnew`)).toBe(2);
    expect(await r.upsertStickyComment(repo, 124, marker, `${marker}\nfirst`)).toBe(9);
  });

  it("marks only still-active deployments of the environment inactive", async () => {
    nock(API)
      .get("/repos/acme/shop/deployments")
      .query({ environment: "pr-123", per_page: 100 })
      .reply(200, [{ id: 11 }, { id: 12 }])
      .get("/repos/acme/shop/deployments/11/statuses")
      .query({ per_page: 1 })
      .reply(200, [{ state: "success" }])
      .post("/repos/acme/shop/deployments/11/statuses", {
        state: "inactive",
        description: "closed",
        auto_inactive: false,
      })
      .reply(201, {})
      .get("/repos/acme/shop/deployments/12/statuses")
      .query({ per_page: 1 })
      .reply(200, [{ state: "inactive" }]);
    expect(await reporter().deactivateEnvironment(repo, "pr-123", "closed")).toEqual([11]);
  });

  it("classifies GitHub errors: 5xx and secondary rate limits retry (with retry-after), 422 does not", async () => {
    nock(API).post("/repos/acme/shop/check-runs").reply(502, { message: "Bad Gateway" });
    await expect(
      reporter().createCheckRun(repo, "n", "c".repeat(40), { status: "queued", title: "t", summary: "s" }, "j"),
    ).rejects.toBeInstanceOf(TransientError);

    nock(API)
      .post("/repos/acme/shop/check-runs")
      .reply(403, { message: "You have exceeded a secondary rate limit" }, { "retry-after": "42" });
    const limited = await reporter()
      .createCheckRun(repo, "n", "c".repeat(40), { status: "queued", title: "t", summary: "s" }, "j")
      .catch((e) => e);
    expect(limited).toBeInstanceOf(TransientError);
    expect(limited.retryAfterMs).toBe(42_000);

    nock(API).post("/repos/acme/shop/deployments").reply(422, { message: "No ref found for: nope" });
    const refused = await reporter()
      .createDeployment(repo, {
        ref: "nope",
        environment: "pr-1",
        description: "",
        transient: true,
        production: false,
        payload: {},
      })
      .catch((e) => e);
    expect(refused).toBeInstanceOf(FinalError);
    expect(refused.message).toContain("No ref found");
  });
});
