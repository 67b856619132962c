// Hands a verified webhook to Berth's handlers. Probot's own path would verify the signature a second time and build
// an authenticated Octokit and a child logger for every event; Berth's handlers never call GitHub (they validate and
// enqueue), and at a few hundred events a second that Octokit was the largest part of the intake's CPU. The
// handlers still get a Probot Context, whose octokit refuses any use with a message saying why.
import { Context, type Probot } from "probot";
import type { Logger } from "pino";

export type EventRegistry = Pick<Probot, "on">;

type AnyHandler = (context: Context) => Promise<void>;

export interface ReceivedEvent {
  id: string;
  name: string;
  payload: unknown;
}

export function webhookRouter(register: (app: EventRegistry) => void, log: Logger) {
  const handlers = new Map<string, AnyHandler[]>();
  const registry = {
    on(names: string | string[], handler: AnyHandler) {
      for (const name of [names].flat()) handlers.set(name, [...(handlers.get(name) ?? []), handler]);
    },
  } as unknown as EventRegistry;
  register(registry);

  /** Runs every handler for the event; rejects with the first failure once all have ended. */
  return async function receive(event: ReceivedEvent): Promise<void> {
    const action = (event.payload as { action?: unknown } | null)?.action;
    const chosen = [
      ...(handlers.get(event.name) ?? []),
      ...(typeof action === "string" ? (handlers.get(`${event.name}.${action}`) ?? []) : []),
    ];
    if (chosen.length === 0) return;
    const context = new Context(
      event as ConstructorParameters<typeof Context>[0],
      noGitHubInTheRequestPath as unknown as ConstructorParameters<typeof Context>[1],
      log.child({ name: "event", id: event.id }),
    );
    const results = await Promise.allSettled(chosen.map((h) => h(context)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  };
}

// Context's constructor adds a request hook (and marks it with a symbol); anything else is a handler calling GitHub.
const noGitHubInTheRequestPath = new Proxy(
  { hook: { before: () => undefined } },
  {
    get(target, prop) {
      if (prop === "hook") return target.hook;
      if (typeof prop === "symbol") return undefined;
      throw new Error(
        `webhook handlers do not call GitHub (context.octokit.${prop}): enqueue a job and let the worker report`,
      );
    },
    set: (_target, prop) => typeof prop === "symbol",
  },
);
