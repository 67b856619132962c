// A whole JobDeps of fakes, and handles on each fake so a test can script the world before a job and read what
// the job did after it. Every port of app/ports/ has its fake here; nothing touches a network, Redis or a clock.
import { pino } from "pino";
import type { JobDeps } from "../../../app/jobs/deps.js";
import type { SshTarget } from "../../../app/core/config/types.js";
import { FakeClock } from "./clock.js";
import { FakeSwarm } from "./swarm.js";
import { FakeGitHubState } from "./github-state.js";
import { FakeGitHubReporter } from "./github-reporter.js";
import { FakeCommandGitHub } from "./command-github.js";
import { FakeGitHubCommits } from "./github-commits.js";
import { FakeReleaseStore } from "./releases.js";
import { FakeApprovalStore } from "./approvals.js";
import { FakeActivityStore } from "./activity.js";
import { FakeReplicaStore } from "./replica-store.js";
import { FakeReportHandleStore } from "./report-handles.js";
import { FakePullRequestTrust } from "./pull-request-trust.js";
import { FakeSecretSource } from "./secrets.js";
import { FakeConfigSource } from "./config-source.js";
import { FakeHttpProbe } from "./http-probe.js";
import { FakeQueue } from "./enqueue.js";

export { FakeClock, FakeSwarm, FakeGitHubState, FakeQueue };
export type { SwarmOutcome } from "./swarm.js";

export const APP_ID = 4242;
/** The image the shop config deploys; known to the fake Swarm so releases can record it. */
export const TEST_IMAGE = "berth-test-web:1";
export const TEST_IMAGE_ID = `sha256:${"1".repeat(64)}`;

export interface FakeWorld {
  deps: JobDeps;
  clock: FakeClock;
  swarm: FakeSwarm;
  /** Every Swarm manager a job asked for (by ssh target), to prove which manager it used. */
  managers: string[];
  github: FakeGitHubState;
  reporter: FakeGitHubReporter;
  commands: FakeCommandGitHub;
  commits: FakeGitHubCommits;
  releases: FakeReleaseStore;
  approvals: FakeApprovalStore;
  activity: FakeActivityStore;
  replicas: FakeReplicaStore;
  handles: FakeReportHandleStore;
  trust: FakePullRequestTrust;
  secrets: FakeSecretSource;
  configs: FakeConfigSource;
  probe: FakeHttpProbe;
  queue: FakeQueue;
}

export function fakeWorld(): FakeWorld {
  const clock = new FakeClock();
  const swarm = new FakeSwarm(clock);
  swarm.addImage(TEST_IMAGE, TEST_IMAGE_ID);
  const github = new FakeGitHubState();
  const reporter = new FakeGitHubReporter(github);
  const commands = new FakeCommandGitHub(github);
  const commits = new FakeGitHubCommits(github);
  const world: Omit<FakeWorld, "deps"> = {
    clock,
    swarm,
    managers: [],
    github,
    reporter,
    commands,
    commits,
    releases: new FakeReleaseStore(),
    approvals: new FakeApprovalStore(clock),
    activity: new FakeActivityStore(),
    replicas: new FakeReplicaStore(),
    handles: new FakeReportHandleStore(),
    trust: new FakePullRequestTrust(),
    secrets: new FakeSecretSource(),
    configs: new FakeConfigSource(),
    probe: new FakeHttpProbe(clock),
    queue: new FakeQueue(),
  };
  const deps: JobDeps = {
    configs: world.configs,
    swarmFor: (target: SshTarget) => {
      world.managers.push(`${target.user}@${target.host}:${target.port}`);
      return swarm;
    },
    reporterFor: () => Promise.resolve(reporter),
    probe: world.probe,
    handles: world.handles,
    approvals: world.approvals,
    enqueue: world.queue.enqueue,
    secrets: world.secrets,
    activity: world.activity,
    trust: world.trust,
    clock,
    log: pino({ level: "silent" }),
    webBaseUrl: "https://github.com",
    releases: world.releases,
    commitsFor: () => Promise.resolve(commits),
    appId: APP_ID,
    replicas: world.replicas,
    commandGitHubFor: () => Promise.resolve(commands),
  };
  return { ...world, deps };
}
