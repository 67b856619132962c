// Injected GitHub failures for the fault tests: the next N writes (POST/PATCH/PUT/DELETE, token exchanges aside)
// answer 502 Bad Gateway, or 403 with GitHub's secondary-rate-limit body and a retry-after header.
//   POST /_standin/faults {status: 502 | 403, count: N, retryAfterSeconds?: S}   arm (replaces what was armed)
//   GET  /_standin/faults                                                      what is left and what was answered
export interface ArmedFault {
  status: 502 | 403;
  count: number;
  retryAfterSeconds?: number;
}

export interface FaultAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export function createGitHubFaults() {
  let armed: ArmedFault | undefined;
  const answered: { at: number; method: string; path: string; status: number }[] = [];
  return {
    arm(fault: ArmedFault) {
      armed = fault.count > 0 ? { ...fault } : undefined;
    },
    state: () => ({ armed, answered }),
    /** The fault to answer instead of the route, if one is armed and this request is a write. */
    take(method: string, path: string): FaultAnswer | undefined {
      if (!armed || method === "GET" || path.endsWith("/access_tokens")) return undefined;
      const fault = armed;
      fault.count -= 1;
      if (fault.count <= 0) armed = undefined;
      answered.push({ at: Date.now(), method, path, status: fault.status });
      if (fault.status === 502) return { status: 502, body: { message: "Server Error" } };
      return {
        status: 403,
        body: {
          message:
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.",
          documentation_url:
            "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
        },
        headers: { "retry-after": String(fault.retryAfterSeconds ?? 1) },
      };
    },
  };
}

export type GitHubFaults = ReturnType<typeof createGitHubFaults>;
