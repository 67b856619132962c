// EdgeRouter for a Caddy edge service on the Swarm, driven over the pooled SSH connection: docker commands for the
// service and network, and Caddy's admin API through `docker exec … nc` inside the edge container (the admin API
// listens on the container's loopback only; nothing outside the container can reach it).
import type { CaddyEdgeConfig, SshTarget } from "../../core/config/types.js";
import type { EdgeRouter } from "../../ports/edge-router.js";
import type { SshPool } from "../ssh/pool.js";
import { edgeArgs } from "../../core/routing/edge-docker-args.js";
import {
  AUTOMATE_PATH,
  caddyRoute,
  edgeConfig,
  MARKER_ID,
  needsPinnedUpstreams,
  upstreamsJson,
  routeFromLabels,
  routeId,
  ROUTES_PATH,
  wildcardFor,
  type EdgeRoute,
} from "../../core/routing/edge-route.js";
import { parseResponse, rawRequest, type RawResponse } from "./raw-http.js";
import { dockerFailure } from "../swarm/docker-errors.js";
import { FinalError, TransientError } from "../../errors.js";

const READY_TIMEOUT_MS = 90_000;
const POLL_MS = 300;

interface RawService {
  Spec: { Name: string; Labels?: Record<string, string> };
}

export function createCaddyEdge(target: SshTarget, edge: CaddyEdgeConfig, pool: SshPool): EdgeRouter {
  let container: string | undefined;

  async function docker(what: string, argv: string[], stdin?: string) {
    const result = await pool.exec(target, argv, { stdin, timeoutMs: 60_000 });
    if (result.code !== 0) throw dockerFailure(what, result);
    return result.stdout.trim();
  }

  async function findContainer(): Promise<string | undefined> {
    const ids = (await docker("docker ps (edge)", edgeArgs.runningContainers(edge))).split("\n").filter(Boolean);
    return ids[0];
  }

  async function admin(method: string, path: string, body?: unknown): Promise<RawResponse> {
    for (let attempt = 0; attempt < 2; attempt++) {
      container ??= await findContainer();
      if (!container) throw new TransientError(`the edge service ${edge.service} has no running container`);
      const result = await pool.exec(target, edgeArgs.admin(container), {
        stdin: rawRequest(method, path, body),
        timeoutMs: 30_000,
      });
      if (result.code === 0 && result.stdout.startsWith("HTTP/")) return parseResponse(result.stdout);
      // The container went away (edge restarted): look it up again once.
      container = undefined;
      if (attempt === 1)
        throw new TransientError(`edge admin ${method} ${path} failed: ${(result.stderr || result.stdout).trim()}`);
    }
    throw new TransientError("unreachable");
  }

  // Caddy refusing a config is deterministic (a retry sends the same JSON): final. Reaching it is transient.
  async function expect(method: string, path: string, body: unknown, ok: (status: number) => boolean) {
    const res = await admin(method, path, body);
    if (!ok(res.status)) throw new FinalError(`edge admin ${method} ${path}: ${res.status} ${res.body.trim()}`);
    return res;
  }

  async function routesThatRun(): Promise<EdgeRoute[]> {
    const ids = (await docker("docker service ls (routed)", edgeArgs.routedServices(edge))).split("\n").filter(Boolean);
    if (ids.length === 0) return [];
    const result = await pool.exec(target, edgeArgs.serviceInspectJson(ids), { timeoutMs: 60_000 });
    const services = JSON.parse(result.stdout.trim() || "[]") as RawService[];
    const routes: EdgeRoute[] = [];
    for (const s of services) {
      const labels = s.Spec.Labels ?? {};
      const stack = labels["com.docker.stack.namespace"];
      const route = stack ? routeFromLabels(stack, s.Spec.Name, labels) : undefined;
      if (route) routes.push(route);
    }
    return routes.sort((a, b) => a.stack.localeCompare(b.stack));
  }

  /** Task addresses behind a Swarm service name, as the edge network's DNS answers inside the edge. */
  async function resolve(name: string): Promise<string[]> {
    container ??= await findContainer();
    if (!container) throw new TransientError(`the edge service ${edge.service} has no running container`);
    const result = await pool.exec(target, edgeArgs.resolve(container, name), { timeoutMs: 30_000 });
    const answer = result.stdout
      .split(/^Name:/m)
      .slice(1)
      .join("\n");
    return [...new Set([...answer.matchAll(/^Address:\s*([0-9a-fA-F.:]+)\s*$/gm)].map((m) => m[1]!))].sort();
  }

  async function pinned(routes: readonly EdgeRoute[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (const r of routes) if (needsPinnedUpstreams(r)) out.set(r.stack, await resolve(r.upstream));
    return out;
  }

  const router: EdgeRouter = {
    async ensure() {
      const net = await pool.exec(target, edgeArgs.networkInspect(edge), { timeoutMs: 30_000 });
      if (net.code !== 0) {
        const created = await pool.exec(target, edgeArgs.networkCreate(edge), { timeoutMs: 60_000 });
        if (created.code !== 0 && !/already exists/i.test(created.stderr))
          throw dockerFailure("docker network create (edge)", created);
      }
      const svc = await pool.exec(target, edgeArgs.serviceInspect(edge), { timeoutMs: 30_000 });
      if (svc.code !== 0) {
        const created = await pool.exec(target, edgeArgs.serviceCreate(edge), { timeoutMs: 60_000 });
        if (created.code !== 0 && !/already exists/i.test(created.stderr))
          throw dockerFailure("docker service create (edge)", created);
      }
      const deadline = Date.now() + READY_TIMEOUT_MS;
      for (;;) {
        try {
          if ((await admin("GET", "/config/")).status === 200) return;
        } catch (err) {
          if (Date.now() > deadline) throw err;
        }
        if (Date.now() > deadline) throw new TransientError(`the edge ${edge.service} did not answer in time`);
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    },

    async configured() {
      return (await admin("GET", `/id/${MARKER_ID}`)).status === 200;
    },

    async resync() {
      const routes = await routesThatRun();
      await expect("POST", "/load", edgeConfig(edge, routes, await pinned(routes)), (s) => s === 200);
      return routes;
    },

    async addRoute(route) {
      if (!(await router.configured())) {
        // A fresh edge: the whole config from what runs (this environment's service is already labelled).
        const applied = await router.resync();
        if (applied.some((r) => r.stack === route.stack)) return;
      }
      const wildcard = wildcardFor(edge, route.host);
      if (wildcard) {
        const current = await admin("GET", AUTOMATE_PATH);
        const list = current.status === 200 ? ((JSON.parse(current.body || "null") as string[] | null) ?? []) : [];
        if (!list.includes(wildcard)) await expect("POST", AUTOMATE_PATH, wildcard, (s) => s === 200);
      }
      const id = `/id/${routeId(route.stack)}`;
      const json = caddyRoute(route, (await pinned([route])).get(route.stack));
      const replaced = await admin("PATCH", id, json);
      if (replaced.status === 200) return;
      // Inserted first, in front of the catch-all 404 (PUT on an array index inserts there).
      await expect("PUT", `${ROUTES_PATH}/0`, json, (s) => s === 200);
    },

    async refreshPinned() {
      let changed = 0;
      for (const route of (await routesThatRun()).filter(needsPinnedUpstreams)) {
        const addresses = await resolve(route.upstream);
        if (addresses.length === 0) continue; // between tasks: keep the last known ones rather than none
        const path = `/id/${routeId(route.stack)}/handle/0/upstreams`;
        const current = await admin("GET", path);
        const want = upstreamsJson(route, addresses).upstreams;
        if (current.status === 200 && JSON.stringify(JSON.parse(current.body || "null")) === JSON.stringify(want))
          continue;
        await expect("PATCH", path, want, (s) => s === 200);
        changed++;
      }
      return changed;
    },

    async removeRoute(stack) {
      await expect("DELETE", `/id/${routeId(stack)}`, undefined, (s) => s === 200 || s === 404);
    },

    async rootCertificate() {
      if (edge.tls !== "internal") return undefined;
      const res = await expect("GET", "/pki/ca/local", undefined, (s) => s === 200);
      return (JSON.parse(res.body) as { root_certificate?: string }).root_certificate;
    },
  };
  return router;
}
