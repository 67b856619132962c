// The REST routes Berth uses, answered like GitHub does (status codes, ids, html_url, pagination by Link).
import type { StandInState } from "./state.js";
import { gitopsRoutes } from "./routes-gitops.js";
import { commandRoutes } from "./routes-commands.js";

export interface RouteContext {
  state: StandInState;
  params: Record<string, string>;
  query: Record<string, string>;
  body: any;
  baseUrl: string; // http://127.0.0.1:PORT
  installationToken: boolean;
}

export interface RouteResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

type Handler = (ctx: RouteContext) => RouteResult;

const BOT = { login: "berth[bot]", id: 9_000_001, type: "Bot" };
const now = () => new Date().toISOString();
const repoOf = (p: Record<string, string>) => `${p.owner}/${p.repo}`;

function page(ctx: RouteContext, items: unknown[], path: string): RouteResult {
  const perPage = Math.min(100, Number(ctx.query.per_page ?? 30));
  const pageNo = Math.max(1, Number(ctx.query.page ?? 1));
  const slice = items.slice((pageNo - 1) * perPage, pageNo * perPage);
  const headers: Record<string, string> = {};
  if (pageNo * perPage < items.length) {
    const q = new URLSearchParams({ ...ctx.query, per_page: String(perPage), page: String(pageNo + 1) });
    headers.link = `<${ctx.baseUrl}/api/v3${path}?${q}>; rel="next"`;
  }
  return { status: 200, body: slice, headers };
}

const notFound: RouteResult = {
  status: 404,
  body: { message: "Not Found", documentation_url: "https://docs.github.com/rest" },
};

export const routes: Array<[string, RegExp, Handler]> = [
  ...gitopsRoutes,
  [
    "POST",
    /^\/app\/installations\/(?<id>\d+)\/access_tokens$/,
    () => ({
      status: 201,
      body: {
        token: `ghs_standin${Math.random().toString(36).slice(2, 14)}`,
        expires_at: new Date(Date.now() + 3600_000).toISOString(),
        permissions: {},
        repository_selection: "all",
      },
    }),
  ],
  [
    "POST",
    /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/check-runs$/,
    (c) => {
      const id = c.state.nextId++;
      const run = {
        id,
        head_sha: c.body.head_sha,
        name: c.body.name,
        status: c.body.status ?? "queued",
        conclusion: null,
        external_id: c.body.external_id,
        output: c.body.output,
        html_url: `${c.baseUrl}/${repoOf(c.params)}/runs/${id}`,
        repository: repoOf(c.params),
        started_at: c.body.started_at ?? now(),
      };
      c.state.checkRuns.set(id, run);
      return { status: 201, body: run };
    },
  ],
  [
    "PATCH",
    /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/check-runs\/(?<id>\d+)$/,
    (c) => {
      const run = c.state.checkRuns.get(Number(c.params.id));
      if (!run) return notFound;
      Object.assign(run, c.body);
      return { status: 200, body: run };
    },
  ],
  [
    "GET",
    /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/check-runs\/(?<id>\d+)$/,
    (c) => {
      const run = c.state.checkRuns.get(Number(c.params.id));
      return run ? { status: 200, body: run } : notFound;
    },
  ],
  [
    "POST",
    /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/deployments$/,
    (c) => {
      if (typeof c.body.ref !== "string") return { status: 422, body: { message: "Invalid request: ref is required" } };
      const id = c.state.nextId++;
      const d = {
        id,
        ref: c.body.ref,
        sha: c.body.ref,
        environment: c.body.environment ?? "production",
        description: c.body.description ?? null,
        payload: c.body.payload ?? {},
        transient_environment: !!c.body.transient_environment,
        production_environment: !!c.body.production_environment,
        task: c.body.task ?? "deploy",
        creator: BOT,
        created_at: now(),
        repository: repoOf(c.params),
      };
      c.state.deployments.set(id, d);
      c.state.statuses.set(id, []);
      return { status: 201, body: d };
    },
  ],
  [
    "GET",
    /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/deployments$/,
    (c) => {
      const list = [...c.state.deployments.values()]
        .filter(
          (d) =>
            d.repository === repoOf(c.params) &&
            (!c.query.environment || d.environment === c.query.environment) &&
            (!c.query.sha || d.sha === c.query.sha),
        )
        .reverse();
      return page(c, list, `/repos/${repoOf(c.params)}/deployments`);
    },
  ],
  [
    "POST",
    /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/deployments\/(?<id>\d+)\/statuses$/,
    (c) => {
      const list = c.state.statuses.get(Number(c.params.id));
      if (!list) return notFound;
      const s = {
        id: c.state.nextId++,
        state: c.body.state,
        description: c.body.description ?? "",
        environment_url: c.body.environment_url ?? "",
        log_url: c.body.log_url ?? "",
        creator: BOT,
        created_at: now(),
      };
      list.unshift(s);
      // GitHub: a success status with auto_inactive (default true) marks earlier deployments of the same
      // environment inactive.
      if (c.body.state === "success" && c.body.auto_inactive !== false) {
        const env = c.state.deployments.get(Number(c.params.id))?.environment;
        for (const d of c.state.deployments.values()) {
          const statuses = c.state.statuses.get(d.id)!;
          if (d.id !== Number(c.params.id) && d.environment === env && statuses[0]?.state !== "inactive") {
            statuses.unshift({
              ...s,
              id: c.state.nextId++,
              state: "inactive",
              description: "auto_inactive",
              environment_url: "",
            });
          }
        }
      }
      return { status: 201, body: s };
    },
  ],
  [
    "GET",
    /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/deployments\/(?<id>\d+)\/statuses$/,
    (c) => {
      const list = c.state.statuses.get(Number(c.params.id));
      return list ? page(c, list, `/repos/${repoOf(c.params)}/deployments/${c.params.id}/statuses`) : notFound;
    },
  ],
  [
    "GET",
    /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/issues\/(?<n>\d+)\/comments$/,
    (c) => {
      const list = [...c.state.comments.values()].filter(
        (x) => x.repository === repoOf(c.params) && x.issue === Number(c.params.n),
      );
      return page(c, list, `/repos/${repoOf(c.params)}/issues/${c.params.n}/comments`);
    },
  ],
  [
    "POST",
    /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/issues\/(?<n>\d+)\/comments$/,
    (c) => {
      const id = c.state.nextId++;
      const comment = {
        id,
        body: c.body.body,
        user: c.installationToken ? BOT : { login: "octocat", type: "User" },
        performed_via_github_app: c.installationToken ? { slug: "berth" } : null,
        html_url: `${c.baseUrl}/${repoOf(c.params)}/pull/${c.params.n}#issuecomment-${id}`,
        created_at: now(),
        updated_at: now(),
        repository: repoOf(c.params),
        issue: Number(c.params.n),
      };
      c.state.comments.set(id, comment);
      return { status: 201, body: comment };
    },
  ],
  [
    "PATCH",
    /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/issues\/comments\/(?<id>\d+)$/,
    (c) => {
      const comment = c.state.comments.get(Number(c.params.id));
      if (!comment) return notFound;
      Object.assign(comment, { body: c.body.body, updated_at: now() });
      return { status: 200, body: comment };
    },
  ],
  [
    "GET",
    /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/collaborators\/(?<user>[^/]+)\/permission$/,
    (c) => {
      const permission = c.state.permissions.get(`${repoOf(c.params)}:${c.params.user}`) ?? "none";
      return { status: 200, body: { permission, role_name: permission, user: { login: c.params.user, type: "User" } } };
    },
  ],
  ...commandRoutes,
];
