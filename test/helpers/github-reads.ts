// Reading what a job told GitHub, from the fake GitHub: the shape tests assert on.
import type { FakeGitHubState } from "./fakes/github-state.js";
import type { CheckRunState } from "../../app/ports/github-reporter.js";

/** The newest check run of that name (fails the test when there is none). */
export function latestCheckRun(gh: FakeGitHubState, name: string) {
  const run = gh.checkRunsNamed(name).at(-1);
  if (!run) throw new Error(`no check run "${name}" was created`);
  return run;
}

/** Status/conclusion/title of every state the check run went through. */
export function checkRunStory(gh: FakeGitHubState, name: string): string[] {
  return latestCheckRun(gh, name).states.map(brief);
}

export function finalCheckRun(gh: FakeGitHubState, name: string): CheckRunState {
  return gh.lastState(latestCheckRun(gh, name));
}

export function brief(s: CheckRunState): string {
  return `${s.status}${s.conclusion ? `/${s.conclusion}` : ""}: ${s.title}`;
}

/** Deployment status states of each deployment of an environment, oldest deployment first. */
export function deploymentStates(gh: FakeGitHubState, environment: string): string[][] {
  return gh.deploymentsOf(environment).map((d) => d.statuses.map((s) => s.state));
}

/** Berth's comment on the issue carrying the marker (the sticky preview comment, a command reply…). */
export function botComment(gh: FakeGitHubState, issue: number, marker: string): string {
  const found = gh.commentsOn(issue).filter((c) => c.byBot && c.body.includes(marker));
  if (found.length !== 1) throw new Error(`expected one comment with ${marker} on #${issue}, found ${found.length}`);
  return found[0]!.body;
}
