// A background pass repeated every interval, never two at once (a slow pass skips the ticks it overlaps); stopping
// waits for the pass under way. The keepers of the edge routes and of the service registry run this way.
import type { Logger } from "pino";

export function everyInterval(
  pass: () => Promise<void>,
  intervalSeconds: number,
  log: Logger,
  what: string,
): () => Promise<void> {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= pass()
      .catch((err: unknown) => log.warn({ err }, `${what} failed`))
      .finally(() => (running = undefined));
  }, intervalSeconds * 1000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
