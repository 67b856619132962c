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
};
