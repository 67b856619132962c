import { describe, expect, it } from "vitest";
import { checkRunState, deploymentStatus, previewComment, previewCommentMarker } from "../../app/core/report/index.js";
import type { EnvironmentView } from "../../app/core/report/view-model.js";
import { fenced, truncate } from "../../app/core/report/markdown.js";

const SHA = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
function view(over: Partial<EnvironmentView> = {}): EnvironmentView {
  return {
    repository: "acme/shop",
    app: "shop",
    environment: "pr-123",
    stack: "shop-pr-123",
    pr: 123,
    sha: SHA,
    phase: "converging",
    url: "https://shop-pr-123.preview.example.com",
    startedAt: 1_000,
    checkRunUrl: "https://github.com/acme/shop/runs/9",
    services: [{ service: "web", fullName: "shop-pr-123_web", image: "shop:1", desired: 3, running: 2 }],
    ...over,
  };
}

describe("check run state", () => {
  it("shows progress per phase", () => {
    expect(checkRunState(view({ phase: "queued" }))).toMatchObject({ status: "queued", title: "Queued" });
    expect(checkRunState(view({ phase: "rendering" }))).toMatchObject({
      status: "in_progress",
      title: "Rendering stack",
    });
    expect(checkRunState(view({ phase: "deploying" })).title).toBe("Deploying shop-pr-123");
    expect(checkRunState(view()).title).toBe("2/3 tasks running");
    expect(checkRunState(view({ phase: "probing" })).title).toBe("Probing https://shop-pr-123.preview.example.com");
  });

  it("completes with success, URL, SHA, duration and the services table", () => {
    const s = checkRunState(
      view({
        phase: "success",
        finishedAt: 7_200,
        services: [
          {
            service: "web",
            fullName: "shop-pr-123_web",
            image: "shop:1",
            desired: 3,
            running: 3,
            updateState: "completed",
          },
        ],
      }),
    );
    expect(s).toMatchObject({ status: "completed", conclusion: "success", title: "Preview is live" });
    expect(s.summary).toContain("https://shop-pr-123.preview.example.com");
    expect(s.summary).toContain(SHA);
    expect(s.summary).toContain("6.2 s");
    expect(s.summary).toContain("| web | 3/3 | `shop:1` | completed |");
  });

  it("on failure lists task errors and last log lines, with mentions and fences neutralised", () => {
    const s = checkRunState(
      view({
        phase: "failure",
        reason: "tasks-failing: 3 tasks failed",
        problems: [
          {
            service: "web",
            taskId: "abc",
            state: "failed",
            error: "task: non-zero exit (1)",
            at: "2026-11-24T10:00:00Z",
          },
        ],
        logs: { web: ["boom @admin", "```", "closing"] },
      }),
    );
    expect(s).toMatchObject({ conclusion: "failure", title: "Deploy failed: tasks-failing" });
    expect(s.summary).toContain("| web | abc | failed | task: non-zero exit (1) |");
    expect(s.summary).not.toContain("@admin");
    expect(s.summary).toContain("````text\nboom @\u200badmin\n```\nclosing\n````");
  });

  it("lists config problems as file:line:col", () => {
    const s = checkRunState(
      view({
        phase: "config-error",
        configProblems: [
          {
            file: "deploy-configs/shop.yml",
            line: 7,
            col: 14,
            path: "/services/web/replicas",
            message: "must be ≤ 50",
          },
        ],
      }),
    );
    expect(s).toMatchObject({ status: "completed", conclusion: "failure", title: "Invalid deploy config (1 problem)" });
    expect(s.summary).toContain("`deploy-configs/shop.yml:7:14` `/services/web/replicas`: must be ≤ 50");
  });

  it("stays within GitHub's 65 535 characters without leaving a fence open", () => {
    const s = checkRunState(
      view({
        phase: "failure",
        reason: "x",
        logs: { web: Array.from({ length: 5000 }, (_, i) => `line ${i} ${"y".repeat(40)}`) },
      }),
    );
    expect(s.summary.length).toBeLessThanOrEqual(65_535);
    expect((s.summary.match(/^`{3,}/gm) ?? []).length % 2).toBe(0);
    expect(s.summary).toMatch(/truncated\)$/);
  });
});

describe("deployment status", () => {
  it("maps phases to GitHub states and bounds the description", () => {
    expect(deploymentStatus(view({ phase: "deploying" }))).toMatchObject({ state: "in_progress" });
    expect(deploymentStatus(view({ phase: "success" }))).toEqual({
      state: "success",
      description: "Preview live at ec26c3e",
      environmentUrl: "https://shop-pr-123.preview.example.com",
    });
    expect(deploymentStatus(view({ phase: "torn-down", reason: "merged" }))).toMatchObject({ state: "inactive" });
    const long = deploymentStatus(view({ phase: "failure", reason: "z".repeat(500) }));
    expect(long.state).toBe("failure");
    expect(long.description.length).toBe(140);
  });
});

describe("sticky preview comment", () => {
  it("carries the marker, the URL, the SHA link, replicas and the duration", () => {
    const body = previewComment(
      view({
        phase: "success",
        finishedAt: 5_500,
        services: [{ service: "web", fullName: "x", image: "i", desired: 1, running: 1 }],
      }),
    );
    expect(body.startsWith(previewCommentMarker("pr-123"))).toBe(true);
    expect(body).toContain("Live at https://shop-pr-123.preview.example.com");
    expect(body).toContain(`[\`ec26c3e\`](https://github.com/acme/shop/commit/${SHA})`);
    expect(body).toContain("deployed in 4.5 s");
    expect(body).toContain("| web | 1/1 |");
  });

  it("says when the preview was torn down", () => {
    expect(previewComment(view({ phase: "torn-down", reason: "closed", finishedAt: 0 }))).toContain(
      "Preview torn down** (PR closed)",
    );
  });
});

describe("markdown helpers", () => {
  it("fences with a longer fence than any backtick run inside", () => {
    expect(fenced(["a ```` b"])).toBe("`````text\na ```` b\n`````");
  });
  it("truncates at a line boundary", () => {
    expect(truncate("aaa\nbbb\nccc", 100)).toBe("aaa\nbbb\nccc");
    expect(truncate("a".repeat(50) + "\n" + "b".repeat(50), 80, "…")).toBe("a".repeat(50) + "…");
  });
});
