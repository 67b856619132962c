import type { Logger } from "pino";
import type { SshTarget } from "../core/config/types.js";
import type { ConfigSource } from "../ports/config-source.js";
import type { SwarmPort } from "../ports/swarm.js";
import type { ReportWrites } from "../ports/report-writes.js";
import type { GitHubReporter } from "../ports/github-reporter.js";
import type { HttpProbe } from "../ports/http-probe.js";
import type { ReportHandleStore } from "../ports/report-handles.js";
import type { Clock } from "../ports/clock.js";
import type { ApprovalStore } from "../ports/approvals.js";
import type { Enqueue } from "../events/enqueue.js";
import type { SecretSource } from "../ports/secrets.js";
import type { ActivityStore } from "../ports/activity.js";
import type { PullRequestTrust } from "../ports/pull-request-trust.js";
import type { ReleaseStore } from "../ports/releases.js";
import type { GitHubCommits } from "../ports/github-commits.js";
import type { ReplicaStore } from "../ports/replica-store.js";
import type { CommandGitHub } from "../ports/pull-requests.js";
import type { EnvironmentWatcher } from "../ports/environment-watch.js";
import type { EdgeRouter } from "../ports/edge-router.js";
import type { ServiceRegistry } from "../ports/service-registry.js";
import type { CaddyEdgeConfig } from "../core/config/types.js";

/** Everything a job touches, passed in: jobs never construct adapters, so tests and the CLI can wire their own. */
import type { CommandReplyStore } from "../ports/command-replies.js";

export interface JobDeps {
  configs: ConfigSource;
  swarmFor(target: SshTarget): SwarmPort;
  /** Check runs, deployments and sticky comments: queued for the GitHub write scheduler, never awaited. */
  writes: ReportWrites;
  /** Direct GitHub writes for the rare paths outside a deploy's report (a superseded job's close, /status comment). */
  reporterFor(installationId: number): Promise<GitHubReporter>;
  probe: HttpProbe;
  handles: ReportHandleStore;
  approvals: ApprovalStore;
  /** Jobs may queue follow-up jobs (a /redeploy queues a deploy); same queue, same dedupe. */
  enqueue: Enqueue;
  /** Secret values for configs that declare secrets; absent = a config with secrets cannot deploy. */
  secrets?: SecretSource;
  /** Last push/command per preview, for the TTL sweeper and LRU eviction; absent = no TTL bookkeeping. */
  activity?: ActivityStore;
  /** Origin of each PR as its last pull_request event said, for deploys queued by commands; absent = not kept. */
  trust?: PullRequestTrust;
  clock: Clock;
  log: Logger;
  webBaseUrl: string;
  /** Branch deploys: release history and deploys waiting for CI (required by deploy-environment jobs). */
  releases?: ReleaseStore;
  /** Branch deploys: check suites, merged PRs and tarballs of a commit. */
  commitsFor?(installationId: number): Promise<GitHubCommits>;
  /** The App's own id: its check suite is ignored by the CI gate. */
  appId?: number;
  /** /scale counts that later deploys render; absent → every deploy uses the config's replicas. */
  replicas?: ReplicaStore;
  /** PRs, permissions, reactions and replies for slash commands; absent → command jobs fail with a clear error. */
  commandGitHubFor?(installationId: number): Promise<CommandGitHub>;
  /** Sees the views reports send (deploy metrics, the status page's record); absent → nobody watches. */
  watcher?: EnvironmentWatcher;
  /** The reply Berth posted to each command comment, so a retried job edits it instead of posting another. */
  commandReplies?: CommandReplyStore;
  /** Routing mode caddy: the Swarm's Caddy edge reached through the manager; absent → caddy configs fail clearly. */
  edgeFor?(target: SshTarget, edge: CaddyEdgeConfig): EdgeRouter;
  /** Service registry (etcd or Consul) healthy environments are registered in; absent → no registration. */
  registry?: ServiceRegistry;
}

export interface JobContext {
  jobId: string;
  attempt: number;
  /** A newer job for the same environment is queued (the worker knows; jobs run without it in tests and the CLI). */
  superseded?: () => Promise<boolean>;
}
