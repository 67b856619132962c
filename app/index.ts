// Wires GitHub event names to handlers. Handlers validate and enqueue; jobs do the work (app/jobs).
import type { Probot } from "probot";
import type { Enqueue } from "./events/enqueue.js";
import { onPullRequest } from "./events/on-pull-request.js";
import { onIssueComment } from "./events/on-issue-comment.js";

export function berthApp(enqueue: Enqueue) {
  return (app: Probot): void => {
    app.on(["pull_request.opened", "pull_request.synchronize", "pull_request.reopened", "pull_request.closed"], onPullRequest(enqueue));
    app.on("issue_comment.created", onIssueComment(enqueue));
  };
}
