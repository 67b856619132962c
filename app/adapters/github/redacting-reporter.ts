// Every string Berth sends to GitHub passes through redaction with the known secret values. A Proxy, so methods
// added to GitHubReporter later are covered without anyone remembering to.
import type { GitHubReporter } from "../../ports/github-reporter.js";
import type { KnownSecrets } from "../secrets/known-secrets.js";

export function redactingReporter<T extends object = GitHubReporter>(inner: T, known: KnownSecrets): T {
  return new Proxy(inner, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) =>
        value.apply(
          target,
          args.map((a) => known.deep(a)),
        );
    },
  });
}
