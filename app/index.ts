// Wires GitHub event names to handlers. Handlers validate and enqueue; jobs do the work (app/jobs).
import type { Enqueue } from "./events/enqueue.js";
import { onPullRequest } from "./events/on-pull-request.js";
import { onCiCompleted, onPush, onReleasePublished } from "./events/on-branch-event.js";
import type { ConfigSource } from "./ports/config-source.js";
import { onIssueComment } from "./events/on-issue-comment.js";
import type { EventRegistry } from "./main/webhook-router.js";

export function berthApp(enqueue: Enqueue, configs?: ConfigSource) {
  return (app: EventRegistry): void => {
    app.on(
      ["pull_request.opened", "pull_request.synchronize", "pull_request.reopened", "pull_request.closed"],
      onPullRequest(enqueue),
    );
    app.on("push", onPush(enqueue, configs));
    app.on("release.published", onReleasePublished(enqueue));
    app.on(["check_suite.completed", "workflow_run.completed"], onCiCompleted(enqueue));
    app.on("issue_comment.created", onIssueComment(enqueue));
  };
}
