// Stand-in routes for slash commands: the pull request as GitHub returns it (tests set head SHA, state, fork and
// author association with setPullRequest) and reactions on comments. Kept beside the state of the stand-in they
// belong to, so a reset forgets them too.
import type { RouteContext, RouteResult } from "./routes.js";
import type { StandInState } from "./state.js";

export interface StandInPullRequest {
  number: number;
  headSha: string;
  state?: "open" | "closed";
  /** owner/name of the head repository; defaults to the base (not a fork). */
  headRepository?: string;
  authorAssociation?: string;
  author?: string;
}

export interface StandInReaction {
  id: number;
  commentId: number;
  content: string;
  repository: string;
}

interface CommandState {
  pulls: Map<string, StandInPullRequest>; // "owner/repo#n"
  reactions: StandInReaction[];
}

const byState = new WeakMap<StandInState, CommandState>();
const REACTIONS = new Set(["+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"]);

export function commandState(state: StandInState): CommandState {
  let s = byState.get(state);
  if (!s) byState.set(state, (s = { pulls: new Map(), reactions: [] }));
  return s;
}

/** `setPullRequest(github.state, "acme/shop", { number: 5, headSha })`: GET /pulls/5 answers with it. */
export function setPullRequest(state: StandInState, repository: string, pr: StandInPullRequest): void {
  commandState(state).pulls.set(`${repository}#${pr.number}`, pr);
}

const repoOf = (p: Record<string, string>) => `${p.owner}/${p.repo}`;
const repo = (fullName: string) => ({
  full_name: fullName,
  name: fullName.split("/")[1],
  owner: { login: fullName.split("/")[0] },
});

export const commandRoutes: Array<[string, RegExp, (ctx: RouteContext) => RouteResult]> = [
  [
    "GET",
    /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/pulls\/(?<n>\d+)$/,
    (c) => {
      const pr = commandState(c.state).pulls.get(`${repoOf(c.params)}#${c.params.n}`);
      if (!pr)
        return {
          status: 404,
          body: {
            message: "Not Found",
            documentation_url: "https://docs.github.com/rest/pulls/pulls#get-a-pull-request",
          },
        };
      const base = repoOf(c.params);
      return {
        status: 200,
        body: {
          number: pr.number,
          state: pr.state ?? "open",
          user: { login: pr.author ?? "octocat", type: "User" },
          author_association: pr.authorAssociation ?? "MEMBER",
          head: { sha: pr.headSha, ref: "changes", repo: repo(pr.headRepository ?? base) },
          base: { sha: "f95f852bd8fca8fcc58a9a2d6c842781e32a215e", ref: "main", repo: repo(base) },
          html_url: `${c.baseUrl}/${base}/pull/${pr.number}`,
        },
      };
    },
  ],
  [
    "POST",
    /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/issues\/comments\/(?<id>\d+)\/reactions$/,
    (c) => {
      if (!REACTIONS.has(c.body.content))
        return { status: 422, body: { message: "Validation Failed", errors: [{ field: "content", code: "invalid" }] } };
      const s = commandState(c.state);
      const commentId = Number(c.params.id);
      // GitHub answers 200 with the existing reaction when the same user reacts the same way twice.
      const existing = s.reactions.find(
        (r) => r.commentId === commentId && r.content === c.body.content && r.repository === repoOf(c.params),
      );
      if (existing) return { status: 200, body: existing };
      const reaction = {
        id: c.state.nextId++,
        commentId,
        content: c.body.content as string,
        repository: repoOf(c.params),
      };
      s.reactions.push(reaction);
      return {
        status: 201,
        body: { id: reaction.id, content: reaction.content, user: { login: "berth[bot]", type: "Bot" } },
      };
    },
  ],
];
