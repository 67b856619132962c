// Reads Swarm's state through the Docker Engine API over the pooled SSH connection: `docker system dial-stdio` on the
// manager is a byte pipe to its Docker socket, and HTTP keep-alive sends every read down the same channel. Why: each
// `docker …` command over SSH starts a CLI process on the manager (~0.1–0.4 s here), and one look at a stack took four
// of them; the same look through the API is two HTTP requests of a few milliseconds. Watching a deploy polls this,
// so it sets how soon Berth notices that a stack is healthy. Only reads go this way; deploys stay with the CLI
// (`docker stack deploy` is the CLI's own logic). Any failure falls back to the CLI for a while (see ssh-swarm.ts).
import { Agent, request } from "node:http";
import type { Duplex } from "node:stream";
import type { SshTarget } from "../../core/config/types.js";
import type { SshPool } from "../ssh/pool.js";
import { TransientError } from "../../errors.js";

const DIAL = ["docker", "system", "dial-stdio"];
const REQUEST_TIMEOUT_MS = 30_000;

export interface DockerApi {
  get<T>(path: string, filters?: Record<string, string[]>): Promise<T>;
  close(): void;
}

/** An http.Agent whose sockets are SSH channels: ssh2 channels lack a socket's keep-alive, timeout and ref methods. */
class ChannelAgent extends Agent {
  constructor(private readonly open: () => Promise<Duplex>) {
    super({ keepAlive: true, maxSockets: 2, maxFreeSockets: 2 });
  }

  override createConnection(_options: object, callback?: (err: Error | null, stream: Duplex) => void): undefined {
    this.open().then(
      (stream) => callback?.(null, socketLike(stream)),
      (err: Error) => callback?.(err, undefined as unknown as Duplex),
    );
    return undefined;
  }
}

const SOCKET_METHODS = ["ref", "unref", "setKeepAlive", "setNoDelay", "setTimeout"] as const;

/** The agent's keep-alive bookkeeping calls these on its sockets; on a channel they have nothing to do. */
function socketLike(stream: Duplex): Duplex {
  const s = stream as Duplex & Record<string, unknown>;
  for (const m of SOCKET_METHODS) if (typeof s[m] !== "function") s[m] = () => stream;
  return stream;
}

export function createDockerApi(target: SshTarget, pool: Required<Pick<SshPool, "stream">>): DockerApi {
  const newAgent = () => new ChannelAgent(() => pool.stream(target, DIAL));
  let agent = newAgent();
  // After the SSH connection died (sshd restarted, host key changed), the agent can keep channels it still counts as
  // sockets, and a request then waits in its queue for ever: no socket is assigned, so neither the request's error
  // nor req.destroy ever fires (a deploy hung silently after a host key change). So the timeout settles the promise
  // itself, and any failure replaces the agent, dropping every channel it held.
  const reset = () => {
    const old = agent;
    agent = newAgent();
    old.destroy();
  };
  return {
    get<T>(path: string, filters?: Record<string, string[]>): Promise<T> {
      const query = filters ? `?filters=${encodeURIComponent(JSON.stringify(filters))}` : "";
      return new Promise<T>((resolve, reject) => {
        let settled = false;
        const fail = (err: Error) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          reset();
          reject(err);
        };
        const req = request({ agent, host: "docker", path: `${path}${query}`, method: "GET" }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", fail);
          res.on("end", () => {
            if (settled) return;
            const body = Buffer.concat(chunks).toString("utf8");
            if (res.statusCode !== 200)
              return fail(new TransientError(`Docker API ${path} on ${target.host}: ${res.statusCode} ${body}`));
            settled = true;
            clearTimeout(timer);
            try {
              resolve(JSON.parse(body) as T);
            } catch (err) {
              reject(err as Error);
            }
          });
        });
        const timer = setTimeout(() => {
          const err = new TransientError(`Docker API ${path} on ${target.host}: no answer`);
          fail(err);
          req.destroy(err);
        }, REQUEST_TIMEOUT_MS);
        req.on("error", fail);
        req.end();
      });
    },
    close: () => agent.destroy(),
  };
}

const shared = new WeakMap<object, Map<string, DockerApi>>();

/**
 * One reader per SSH connection, shared by every Swarm adapter on it. Each reader keeps up to two channels open
 * between reads, and a connection has only a few channel slots: one reader per adapter (one per distinct set of
 * managers) could hold them all and leave a deploy's `docker stack deploy` waiting for a slot.
 */
export function dockerApiFor(target: SshTarget, pool: Required<Pick<SshPool, "stream">>): DockerApi {
  let byConnection = shared.get(pool);
  if (!byConnection) shared.set(pool, (byConnection = new Map()));
  // A target with fallback managers gets a reader of its own: the failover pool refuses it a stream (its reads go
  // through exec, which fails over), and that refusal must not reach adapters of the same host without fallbacks.
  const key = `${target.user}@${target.host}:${target.port}${target.hosts?.length ? " +failover" : ""}`;
  let api = byConnection.get(key);
  if (!api) byConnection.set(key, (api = createDockerApi(target, pool)));
  return api;
}
