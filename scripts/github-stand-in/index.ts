// A small local GitHub: answers the REST calls Berth makes under the GHE prefix /api/v3 (Probot with
// GHE_HOST=127.0.0.1:<port> GHE_PROTOCOL=http) and records every request, so the demo can show what Berth posted
// and tests can assert the exact requests. Unknown routes answer 404 and are recorded too.
//   GET /_standin/requests   every request so far      GET /_standin/state   check runs, deployments, comments
//   POST /_standin/reset     forget everything         POST /_standin/permission {repo, user, permission}
import { createServer } from "node:http";
import { once } from "node:events";
import { emptyState, type RecordedRequest, type StandInState } from "./state.js";
import { routes } from "./routes.js";
import { verifyAppJwt } from "./app-jwt.js";
import { createWriteLimits, type WriteLimitOptions } from "./write-limits.js";
import { createGitHubFaults, type GitHubFaults } from "./faults.js";

export interface GitHubStandIn {
  url: string;
  port: number;
  requests: RecordedRequest[];
  state: StandInState;
  writeLimits: ReturnType<typeof createWriteLimits>;
  setPermission(repo: string, user: string, permission: string): void;
  /** Injected failures (faults.ts): the next N writes answer 502 or a secondary-limit 403. */
  faults: GitHubFaults;
  close(): Promise<void>;
}

export async function startGitHubStandIn(
  opts: { port?: number; appId?: number; privateKey?: string; writeLimits?: Partial<WriteLimitOptions> } = {},
): Promise<GitHubStandIn> {
  let state = emptyState();
  const writeLimits = createWriteLimits(opts.writeLimits);
  const requests: RecordedRequest[] = [];
  const faults = createGitHubFaults();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString();
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      if (Buffer.isBuffer(body)) {
        res.writeHead(status, { "content-type": "application/x-gzip", ...headers });
        return res.end(body);
      }
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
      res.end(JSON.stringify(body));
    };
    if (url.pathname.startsWith("/_standin/")) {
      if (url.pathname === "/_standin/requests") return send(200, requests);
      if (url.pathname === "/_standin/state")
        return send(200, {
          checkRuns: [...state.checkRuns.values()],
          deployments: [...state.deployments.values()].map((d) => ({ ...d, statuses: state.statuses.get(d.id) })),
          comments: [...state.comments.values()],
        });
      if (url.pathname === "/_standin/writes") return send(200, writeLimits.report());
      if (url.pathname === "/_standin/reset") {
        state = emptyState();
        writeLimits.reset();
        requests.length = 0;
        return send(200, { ok: true });
      }
      if (url.pathname === "/_standin/faults") {
        if (req.method === "POST") faults.arm(JSON.parse(raw || "{}"));
        return send(200, faults.state());
      }
      if (url.pathname === "/_standin/permission") {
        const b = JSON.parse(raw || "{}");
        state.permissions.set(`${b.repo}:${b.user}`, b.permission);
        return send(200, { ok: true });
      }
    }
    const path = url.pathname.replace(/^\/api\/v3/, "");
    const query = Object.fromEntries(url.searchParams);
    let body: any = undefined;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      return send(400, { message: "Problems parsing JSON" });
    }
    const record: RecordedRequest = { at: Date.now(), method: req.method ?? "GET", path, query, body, status: 0 };
    requests.push(record);
    const auth = req.headers.authorization ?? "";
    // Injected faults first (they stand for GitHub's own failures), then the enforced secondary write limits.
    let result: { status: number; body: unknown; headers?: Record<string, string> } | undefined =
      faults.take(record.method, path) ?? writeLimits.admit(record.method, path, auth);
    for (const [method, pattern, handler] of result ? [] : routes) {
      const m = method === req.method ? pattern.exec(path) : null;
      if (!m) continue;
      if (path.endsWith("/access_tokens") && opts.privateKey && opts.appId) {
        const problem = verifyAppJwt(auth, opts.appId, opts.privateKey);
        if (problem) {
          result = { status: 401, body: { message: problem } };
          break;
        }
      } else if (!/^(token|bearer) /i.test(auth)) {
        result = { status: 401, body: { message: "Requires authentication" } };
        break;
      }
      result = handler({
        state,
        params: m.groups ?? {},
        query,
        body: body ?? {},
        baseUrl: `http://127.0.0.1:${port}`,
        installationToken: /^token ghs_/i.test(auth),
      });
      break;
    }
    result ??= { status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest" } };
    record.status = result.status;
    writeLimits.observe(path, result);
    send(result.status, result.body, result.headers);
  });
  server.listen(opts.port ?? 0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    writeLimits,
    get state() {
      return state;
    },
    setPermission: (repo, user, permission) => state.permissions.set(`${repo}:${user}`, permission),
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const standIn = await startGitHubStandIn({
    port: Number(process.env.PORT ?? 0),
    writeLimits: { enforce: process.env.STANDIN_ENFORCE_WRITE_LIMITS === "1" },
  });
  console.log(`GitHub stand-in listening on ${standIn.url} (API under ${standIn.url}/api/v3)`);
}
