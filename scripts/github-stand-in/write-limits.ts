// GitHub's secondary limits on content-creating requests, per installation: at most 80 a minute and 500 an hour;
// past them GitHub answers 403 with retry-after. The stand-in counts every write per installation (the token says
// which: it remembers which installation each token it issued belongs to) and, when enforcing, refuses like GitHub.
//   GET /_standin/writes   per installation: accepted and refused writes, the busiest minute

export interface WriteLimitOptions {
  perMinute: number;
  perHour: number;
  /** Count only (default) or answer 403 + retry-after past a limit. */
  enforce: boolean;
}

interface InstallationWrites {
  accepted: number[]; // times of accepted writes
  refused: number;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

export function createWriteLimits(opts: Partial<WriteLimitOptions> = {}) {
  const limits: WriteLimitOptions = { perMinute: 80, perHour: 500, enforce: false, ...opts };
  const installationOfToken = new Map<string, number>();
  let perInstallation = new Map<number, InstallationWrites>();

  const isWrite = (method: string, path: string) =>
    method !== "GET" && method !== "HEAD" && !/\/access_tokens$/.test(path);
  const tokenOf = (auth: string) => auth.replace(/^(token|bearer) /i, "");

  return {
    /** Undefined when the request may go on; else GitHub's answer to a write past the limit. */
    admit(method: string, path: string, auth: string, now = Date.now()) {
      if (!isWrite(method, path)) return undefined;
      const installation = installationOfToken.get(tokenOf(auth)) ?? 0;
      let w = perInstallation.get(installation);
      if (!w) perInstallation.set(installation, (w = { accepted: [], refused: 0 }));
      const lastMinute = w.accepted.filter((t) => t > now - MINUTE);
      const lastHour = w.accepted.filter((t) => t > now - HOUR);
      if (limits.enforce && (lastMinute.length >= limits.perMinute || lastHour.length >= limits.perHour)) {
        w.refused++;
        const until =
          lastHour.length >= limits.perHour
            ? lastHour[lastHour.length - limits.perHour]! + HOUR
            : lastMinute[lastMinute.length - limits.perMinute]! + MINUTE;
        return {
          status: 403,
          body: {
            message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
            documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
          },
          headers: { "retry-after": String(Math.max(1, Math.ceil((until - now) / 1000))) },
        };
      }
      w.accepted.push(now);
      return undefined;
    },
    /** Remembers the installation of each token the stand-in hands out. */
    observe(path: string, result: { status: number; body: unknown }) {
      const m = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path);
      const token = (result.body as { token?: string } | undefined)?.token;
      if (m && token) installationOfToken.set(token, Number(m[1]));
    },
    report() {
      return Object.fromEntries(
        [...perInstallation].map(([id, w]) => {
          let peakPerMinute = 0;
          for (const t of w.accepted)
            peakPerMinute = Math.max(peakPerMinute, w.accepted.filter((o) => o >= t && o < t + MINUTE).length);
          return [id, { accepted: w.accepted.length, refused: w.refused, peakPerMinute, times: w.accepted }];
        }),
      );
    },
    configure(next: Partial<WriteLimitOptions>) {
      Object.assign(limits, next);
    },
    reset() {
      perInstallation = new Map();
    },
  };
}
