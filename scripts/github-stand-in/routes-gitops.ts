// Stand-in routes for branch GitOps: a commit's check suites, the PRs a commit was merged in, tag → commit. Tests
// set what GitHub would know through gitopsState(standIn.state).
import type { StandInState } from "./state.js";
import type { RouteContext, RouteResult } from "./routes.js";

export interface GitOpsState {
  /** "owner/repo@sha" → check suites as GitHub returns them */
  checkSuites: Map<string, any[]>;
  /** "owner/repo@sha" → pull requests ({ number, merged_at }) */
  pulls: Map<string, any[]>;
  /** "owner/repo@tag" → commit sha */
  tags: Map<string, string>;
  /** "owner/repo@sha" → the commit's source as .tar.gz (as GitHub's codeload serves it) */
  tarballs: Map<string, Buffer>;
}

const states = new WeakMap<StandInState, GitOpsState>();

export function gitopsState(state: StandInState): GitOpsState {
  let s = states.get(state);
  if (!s) states.set(state, (s = { checkSuites: new Map(), pulls: new Map(), tags: new Map(), tarballs: new Map() }));
  return s;
}

/** A check suite in GitHub's shape. */
export function checkSuite(
  id: number,
  app: { id: number; slug: string; name: string },
  status: string,
  conclusion: string | null,
  headSha: string,
) {
  return {
    id,
    head_sha: headSha,
    head_branch: "main",
    status,
    conclusion,
    app,
    latest_check_runs_count: 1,
    url: `https://api.github.com/check-suites/${id}`,
  };
}

const repoOf = (p: Record<string, string>) => `${p.owner}/${p.repo}`;

export const gitopsRoutes: Array<[string, RegExp, (ctx: RouteContext) => RouteResult]> = [
  [
    "GET",
    /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/tarball\/(?<ref>[^/]+)$/,
    (c) => {
      const tarball = gitopsState(c.state).tarballs.get(`${repoOf(c.params)}@${c.params.ref}`);
      return tarball
        ? {
            status: 200,
            body: tarball,
            headers: {
              "content-disposition": `attachment; filename=${c.params.repo}-${c.params.ref!.slice(0, 7)}.tar.gz`,
            },
          }
        : { status: 404, body: { message: "Not Found" } };
    },
  ],
  [
    "GET",
    /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/commits\/(?<ref>[^/]+)\/check-suites$/,
    (c) => {
      const suites = gitopsState(c.state).checkSuites.get(`${repoOf(c.params)}@${c.params.ref}`) ?? [];
      return { status: 200, body: { total_count: suites.length, check_suites: suites } };
    },
  ],
  [
    "GET",
    /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/commits\/(?<sha>[0-9a-f]{40})\/pulls$/,
    (c) => {
      return { status: 200, body: gitopsState(c.state).pulls.get(`${repoOf(c.params)}@${c.params.sha}`) ?? [] };
    },
  ],
  [
    "GET",
    /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/commits\/(?<ref>[^/]+)$/,
    (c) => {
      const ref = decodeURIComponent(c.params.ref!);
      const sha = /^[0-9a-f]{40}$/.test(ref) ? ref : gitopsState(c.state).tags.get(`${repoOf(c.params)}@${ref}`);
      return sha
        ? { status: 200, body: { sha, commit: { message: "stand-in commit" } } }
        : { status: 422, body: { message: `No commit found for SHA: ${ref}` } };
    },
  ],
];
