// Argument lists for the docker CLI on a manager (kamal style: tokens, never a shell string). Every name is checked
// against Swarm's rules first, so a bad name fails here with a clear message instead of reaching the host.
import { assertSwarmName } from "./swarm-names.js";

const STACK_LABEL = "com.docker.stack.namespace";
const ID = /^[a-z0-9]{10,64}$/;

function ids(list: readonly string[]): string[] {
  for (const id of list) if (!ID.test(id)) throw new Error(`not a Docker object id: ${JSON.stringify(id)}`);
  return [...list];
}

// berth.* label values Berth filters on: repository names as GitHub spells them, stack names, environment names.
const LABEL_VALUE = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$/;
function labelValue(value: string, what: string): string {
  if (!LABEL_VALUE.test(value))
    throw new Error(`${what} ${JSON.stringify(value.slice(0, 80))} is not a label value Berth filters on`);
  return value;
}
const SECRET_NAME = /^[A-Za-z0-9](?:[-_.A-Za-z0-9]{0,62}[A-Za-z0-9])?$/;
function secretName(name: string): string {
  if (!SECRET_NAME.test(name))
    throw new Error(`secret name ${JSON.stringify(name.slice(0, 80))} must be 1-64 letters, digits, '-', '_' or '.'`);
  return name;
}

// Image references as Docker prints them: [registry[:port]/]name[:tag][@sha256:…], or a bare image ID sha256:….
const IMAGE_REF =
  /^(?:sha256:[0-9a-f]{64}|[a-z0-9][a-z0-9._-]*(?::[0-9]{1,5})?(?:\/[a-z0-9][a-z0-9._-]*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[0-9a-f]{64})?)$/;

export function assertImageRef(ref: string): string {
  if (ref.length > 512 || !IMAGE_REF.test(ref))
    throw new Error(`not an image reference: ${JSON.stringify(ref.slice(0, 100))}`);
  return ref;
}

/** The label every service of a stack carries, as the Docker API's `label` filter wants it. */
export function stackLabelFilter(stack: string): string {
  return `${STACK_LABEL}=${assertSwarmName(stack, "stack")}`;
}

export const dockerArgs = {
  stackDeploy: (stack: string) => [
    "docker",
    "stack",
    "deploy",
    "--prune",
    "--resolve-image",
    "never",
    "--with-registry-auth",
    "-c",
    "-",
    assertSwarmName(stack, "stack"),
  ],
  stackRm: (stack: string) => ["docker", "stack", "rm", assertSwarmName(stack, "stack")],
  stackServiceIds: (stack: string) => [
    "docker",
    "service",
    "ls",
    "-q",
    "--filter",
    `label=${STACK_LABEL}=${assertSwarmName(stack, "stack")}`,
  ],
  serviceInspect: (serviceIds: readonly string[]) => ["docker", "service", "inspect", ...ids(serviceIds)],
  serviceTaskIds: (serviceIds: readonly string[]) => [
    "docker",
    "service",
    "ps",
    "-q",
    "--no-trunc",
    ...ids(serviceIds),
  ],
  inspect: (objectIds: readonly string[]) => ["docker", "inspect", ...ids(objectIds)],
  nodeNames: () => ["docker", "node", "ls", "--format", "{{.ID}} {{.Hostname}}"],
  serviceRollback: (fullName: string) => [
    "docker",
    "service",
    "rollback",
    "--detach",
    assertSwarmName(fullName, "service"),
  ],
  serviceScale: (fullName: string, replicas: number) => {
    if (!Number.isInteger(replicas) || replicas < 0 || replicas > 1000) throw new Error(`replicas must be 0..1000`);
    return ["docker", "service", "scale", "--detach", `${assertSwarmName(fullName, "service")}=${replicas}`];
  },
  serviceLogs: (fullName: string, tail: number) => {
    if (!Number.isInteger(tail) || tail < 1 || tail > 10_000) throw new Error(`log tail must be 1..10000, got ${tail}`);
    return [
      "docker",
      "service",
      "logs",
      "--raw",
      "--no-trunc",
      "--tail",
      String(tail),
      assertSwarmName(fullName, "service"),
    ];
  },
  stackContainerIds: (stack: string) => [
    "docker",
    "ps",
    "-aq",
    "--filter",
    `label=${STACK_LABEL}=${assertSwarmName(stack, "stack")}`,
  ],
  stackNetworkIds: (stack: string) => [
    "docker",
    "network",
    "ls",
    "-q",
    "--filter",
    `label=${STACK_LABEL}=${assertSwarmName(stack, "stack")}`,
  ],
  stackVolumeNames: (stack: string) => [
    "docker",
    "volume",
    "ls",
    "-q",
    "--filter",
    `label=${STACK_LABEL}=${assertSwarmName(stack, "stack")}`,
  ],
  build: (tag: string, dockerfile: string) => {
    if (!/^(?!\/)(?!.*\.\.)[A-Za-z0-9._/-]{1,200}$/.test(dockerfile))
      throw new Error(`not a relative Dockerfile path: ${JSON.stringify(dockerfile.slice(0, 100))}`);
    return ["docker", "build", "-q", "--pull=false", "-t", assertImageRef(tag), "-f", dockerfile, "-"];
  },
  push: (tag: string) => ["docker", "push", "-q", assertImageRef(tag)],
  imageInspect: (refs: readonly string[]) => ["docker", "image", "inspect", ...refs.map(assertImageRef)],
  volumeRm: (name: string) => ["docker", "volume", "rm", assertSwarmName(name, "volume")],
  repositoryServiceIds: (repository: string) => [
    "docker",
    "service",
    "ls",
    "-q",
    "--filter",
    `label=berth.repository=${labelValue(repository, "repository")}`,
  ],
  /** The value is read from stdin ("-"): it never appears in an argument list, a process listing or a log. */
  secretCreate: (name: string, labels: Record<string, string>) => [
    "docker",
    "secret",
    "create",
    ...Object.entries(labels).flatMap(([k, v]) => [
      "--label",
      `${labelValue(k, "label key")}=${labelValue(v, "label value")}`,
    ]),
    secretName(name),
    "-",
  ],
  secretExists: (name: string) => [
    "docker",
    "secret",
    "ls",
    "-q",
    "--filter",
    `name=${secretName(name)}`,
    "--format",
    "{{.Name}}",
  ],
  stackSecretNames: (stack: string) => [
    "docker",
    "secret",
    "ls",
    "--filter",
    `label=berth.stack=${assertSwarmName(stack, "stack")}`,
    "--format",
    "{{.Name}}",
  ],
  secretRm: (name: string) => ["docker", "secret", "rm", secretName(name)],
  /**
   * A one-shot task on every node (`--mode global-job`) that removes the stack's volumes from that node's own
   * Docker: volumes are local to a node, and the manager's `docker volume rm` never sees a worker's. The script is a
   * constant; the stack name reaches it as an argument ($1), never as shell text.
   */
  volumeCleanupJob: (jobName: string, stack: string, helper: NodeHelper) => [
    "docker",
    "service",
    "create",
    "--detach",
    "--quiet",
    "--mode",
    "global-job",
    "--restart-condition",
    "none",
    "--no-resolve-image",
    "--name",
    assertSwarmName(jobName, "service"),
    "--label",
    `berth.volume-cleanup=${assertSwarmName(stack, "stack")}`,
    "--mount",
    `type=bind,source=${dockerSocket(helper.dockerSocket)},target=/var/run/docker.sock`,
    "--env",
    "DOCKER_HOST=unix:///var/run/docker.sock",
    assertImageRef(helper.image),
    "sh",
    "-c",
    VOLUME_CLEANUP_SCRIPT,
    "berth-volume-cleanup",
    assertSwarmName(stack, "stack"),
  ],
  serviceTaskIdsByName: (name: string) => [
    "docker",
    "service",
    "ps",
    "-q",
    "--no-trunc",
    assertSwarmName(name, "service"),
  ],
  serviceRm: (name: string) => ["docker", "service", "rm", assertSwarmName(name, "service")],
  nodeStates: () => ["docker", "node", "ls", "--format", "{{.ID}} {{.Hostname}} {{.Status}} {{.Availability}}"],
};

/** The image and the node's Docker socket the per-node volume cleanup runs with (BERTH_NODE_HELPER_*). */
export interface NodeHelper {
  image: string;
  /** Path of each node's Docker socket; a Swarm mount template ({{.Node.Hostname}}) when nodes differ. */
  dockerSocket: string;
}

const SOCKET_PATH =
  /^\/(?:[A-Za-z0-9._-]+|\{\{\.Node\.(?:Hostname|ID)\}\})(?:\/(?:[A-Za-z0-9._-]+|\{\{\.Node\.(?:Hostname|ID)\}\}))*$/;
function dockerSocket(path: string): string {
  if (!SOCKET_PATH.test(path) || path.includes(".."))
    throw new Error(`not an absolute Docker socket path: ${JSON.stringify(path.slice(0, 100))}`);
  return path;
}

// Runs in the helper image (docker:cli or anything with sh and the docker CLI) on each node. A volume still used by
// a container the stack rm is stopping is retried for 30 s. Prints one line per volume: "removed <name> on <node>"
// or "left <name> on <node>: <docker's error>", which the manager reads back from the job's logs.
const VOLUME_CLEANUP_SCRIPT = [
  'node=$(docker info --format "{{.Name}}") || exit 1; status=0;',
  'for v in $(docker volume ls -q --filter "label=com.docker.stack.namespace=$1"); do n=0;',
  'until docker volume rm "$v" >/dev/null 2>&1; do n=$((n + 1));',
  'if [ "$n" -ge 30 ]; then echo "left $v on $node: $(docker volume rm "$v" 2>&1)"; status=1; continue 2; fi;',
  "sleep 1; done;",
  'echo "removed $v on $node"; done; exit "$status"',
].join(" "); // one line: the SSH layer refuses newlines in any argument
