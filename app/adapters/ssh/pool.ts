// One SSH connection per user@host:port, shared by every job: a new SSH handshake costs ~1 s here, a channel on an
// open connection milliseconds. The host key is checked against the pinned one before anything is sent.
import { readFile } from "node:fs/promises";
import type { Duplex } from "node:stream";
import { Client } from "ssh2";
import type { Logger } from "pino";
import type { SshTarget } from "../../core/config/types.js";
import { HostKeyMismatchError, SshUnreachableError, TransientError } from "../../errors.js";
import { hostKeyMatches, fingerprint } from "./host-key.js";
import { commandLine } from "./shell-quote.js";
import { Semaphore } from "./semaphore.js";

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  stdin?: string | Buffer;
  timeoutMs?: number;
}

interface PooledConnection {
  client: Client;
  ready: Promise<Client>;
  channels: Semaphore;
}

export interface SshPool {
  exec(target: SshTarget, argv: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
  /**
   * A long-lived channel running `argv` (e.g. `docker system dial-stdio`), as a byte stream both ways; it holds one of
   * the connection's channel slots until it closes.
   */
  stream?(target: SshTarget, argv: readonly string[]): Promise<Duplex>;
  /** How many TCP connections the pool has opened so far (for tests and metrics). */
  connectionsOpened(): number;
  /** Connections open and channels in use right now (for metrics). */
  usage?(): { connections: number; channels: number };
  closeAll(): Promise<void>;
}

export function createSshPool(opts: { log?: Logger; maxChannels?: number; connectTimeoutMs?: number } = {}): SshPool {
  const connections = new Map<string, PooledConnection>();
  let opened = 0;

  function connect(target: SshTarget, key: string): PooledConnection {
    const client = new Client();
    let offered: Buffer | undefined;
    const ready = (async () => {
      const privateKey = await readFile(target.privateKeyPath).catch((err: Error) => {
        throw new TransientError(`cannot read SSH key ${target.privateKeyPath}: ${err.message}`);
      });
      return new Promise<Client>((resolve, reject) => {
        client.once("ready", () => resolve(client));
        client.once("error", (err) => {
          connections.delete(key);
          if (offered && !hostKeyMatches(target.hostKey, offered)) {
            reject(new HostKeyMismatchError(`${target.host}:${target.port}`, target.hostKey, fingerprint(offered)));
          } else {
            reject(
              new SshUnreachableError(`${target.host}:${target.port}`, `SSH to ${key} failed: ${err.message}`, {
                cause: err,
              }),
            );
          }
        });
        client.connect({
          host: target.host,
          port: target.port,
          username: target.user,
          privateKey,
          readyTimeout: opts.connectTimeoutMs ?? 15_000,
          keepaliveInterval: 15_000,
          keepaliveCountMax: 4,
          hostVerifier: (hostKey: Buffer) => {
            offered = hostKey;
            return hostKeyMatches(target.hostKey, hostKey);
          },
        });
        opened += 1;
      });
    })();
    client.on("close", () => {
      if (connections.get(key)?.client === client) connections.delete(key);
    });
    ready.catch(() => undefined);
    return { client, ready, channels: new Semaphore(opts.maxChannels ?? 8) };
  }

  function connection(target: SshTarget): PooledConnection {
    const key = `${target.user}@${target.host}:${target.port}`;
    let conn = connections.get(key);
    if (!conn) {
      conn = connect(target, key);
      connections.set(key, conn);
    }
    return conn;
  }

  async function exec(target: SshTarget, argv: readonly string[], execOpts: ExecOptions = {}): Promise<ExecResult> {
    const line = commandLine(argv);
    const conn = connection(target);
    const client = await conn.ready;
    return conn.channels.use(
      () =>
        new Promise<ExecResult>((resolve, reject) => {
          client.exec(line, (err, stream) => {
            if (err)
              return reject(
                new TransientError(`SSH exec on ${target.host} failed: ${err.message}`, undefined, { cause: err }),
              );
            let stdout = "";
            let stderr = "";
            const timer = setTimeout(() => {
              stream.close();
              reject(
                new TransientError(
                  `${argv.slice(0, 3).join(" ")} on ${target.host} did not finish within ${execOpts.timeoutMs} ms`,
                ),
              );
            }, execOpts.timeoutMs ?? 120_000);
            stream.on("data", (d: Buffer) => (stdout += d.toString()));
            stream.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
            stream.on("close", (code: number | null) => {
              clearTimeout(timer);
              resolve({ code, stdout, stderr });
            });
            if (execOpts.stdin !== undefined) stream.end(execOpts.stdin);
            else stream.end();
          });
        }),
    );
  }

  async function stream(target: SshTarget, argv: readonly string[]): Promise<Duplex> {
    const conn = connection(target);
    const client = await conn.ready;
    const release = await conn.channels.hold();
    return new Promise<Duplex>((resolve, reject) => {
      client.exec(commandLine(argv), (err, channel) => {
        if (err) {
          release();
          return reject(
            new TransientError(`SSH channel on ${target.host} failed: ${err.message}`, undefined, { cause: err }),
          );
        }
        channel.once("close", release);
        // What the remote command says on stderr is not part of the byte stream.
        channel.stderr.resume();
        resolve(channel);
      });
    });
  }

  return {
    exec,
    stream,
    connectionsOpened: () => opened,
    usage: () => ({
      connections: connections.size,
      channels: [...connections.values()].reduce((sum, c) => sum + c.channels.inUse, 0),
    }),
    async closeAll() {
      for (const conn of connections.values()) conn.client.end();
      connections.clear();
    },
  };
}
