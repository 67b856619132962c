// What the GitHub adapters need of an installation-authenticated Octokit (Probot's, or @octokit/rest in tests), and
// the one place a failed call is classified as worth retrying or not.
import { classifyGitHubError } from "./github-errors.js";

// GitHub's answers are JSON whose shape each adapter reads field by field; `any` stops at this boundary.
/* eslint-disable @typescript-eslint/no-explicit-any */
export interface OctokitLike {
  request(route: string, params?: Record<string, unknown>): Promise<{ data: any; status: number }>;
  paginate(route: string, params?: Record<string, unknown>): Promise<any[]>;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

export async function callGitHub<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw classifyGitHubError(what, err);
  }
}
