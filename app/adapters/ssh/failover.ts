// Several managers of one Swarm (ssh.host, then ssh.hosts in order): a command goes to the first one that can be
// reached, and keeps going there until it cannot. Only an unreachable manager is skipped — a command that ran and
// failed, or a host key that does not match, is the answer and is not retried elsewhere.
import type { Logger } from "pino";
import type { SshTarget } from "../../core/config/types.js";
import { SshUnreachableError, TransientError } from "../../errors.js";
import type { ExecOptions, ExecResult, SshPool } from "./pool.js";

export function managersOf(target: SshTarget): SshTarget[] {
  const { hosts, ...primary } = target;
  return [
    primary,
    ...(hosts ?? []).map((h) => ({ ...primary, host: h.host, port: h.port, hostKey: h.hostKey ?? primary.hostKey })),
  ];
}

export function failoverPool(pool: SshPool, log?: Logger): SshPool {
  const preferred = new Map<string, number>(); // the managers list → index of the one that answered last
  const keyOf = (t: SshTarget) => `${t.user}@${t.host}:${t.port}`;
  return {
    ...pool,
    // With several managers, a stream's user (the Docker API reader) uses exec instead, which fails over.
    async stream(target: SshTarget, argv: readonly string[]) {
      const managers = managersOf(target);
      if (!pool.stream || managers.length > 1) throw new TransientError("no single manager to stream from");
      return pool.stream(target, argv);
    },
    async exec(target: SshTarget, argv: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
      const managers = managersOf(target);
      if (managers.length === 1) return pool.exec(target, argv, opts);
      const key = JSON.stringify(managers);
      const start = preferred.get(key) ?? 0;
      const failures: string[] = [];
      for (let i = 0; i < managers.length; i++) {
        const index = (start + i) % managers.length;
        const manager = managers[index]!;
        try {
          const result = await pool.exec(manager, argv, opts);
          if (index !== preferred.get(key)) {
            if (preferred.has(key) || index !== 0)
              log?.warn({ manager: keyOf(manager), skipped: failures }, "using another Swarm manager");
            preferred.set(key, index);
          }
          return result;
        } catch (err) {
          if (!(err instanceof SshUnreachableError)) throw err;
          failures.push(err.message);
        }
      }
      throw new TransientError(`no Swarm manager could be reached: ${failures.join("; ")}`);
    },
  };
}
