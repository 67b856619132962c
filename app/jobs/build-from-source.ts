// Image source (b): the commit's tarball, fetched through the GitHub API with the installation's token, its
// top-level directory stripped, streamed over the pooled SSH connection into `docker build` on the manager. Nothing
// of the repository touches the bot's disk or a shell. With a registry configured the image is pushed and deployed
// by digest, so every node of a multi-node Swarm can pull it.
import { gunzipSync } from "node:zlib";
import type { Logger } from "pino";
import type { JobDeps } from "./deps.js";
import type { DeployConfig } from "../core/config/types.js";
import { stripTarRoot } from "../core/tar-root.js";
import { repoRef } from "../core/repository.js";

export async function buildFromSource(args: {
  repository: string;
  installationId: number;
  sha: string;
  config: DeployConfig;
  deps: JobDeps;
  log: Logger;
}): Promise<{ service: string; image: string }> {
  const { repository, sha, config, deps, log } = args;
  const service = config.build.service ?? Object.keys(config.services).find((name) => config.services[name]!.public)!;
  const tag = `${config.build.registry ? `${config.build.registry}/` : ""}${config.app}:${sha}`;
  const started = deps.clock.now();
  const tarball = await (await deps.commitsFor!(args.installationId)).tarball(repoRef(repository), sha);
  const context = stripTarRoot(gunzipSync(tarball));
  const swarm = deps.swarmFor(config.ssh);
  const id = await swarm.buildImage(tag, config.build.dockerfile, context);
  const image = config.build.registry ? await swarm.pushImage(tag) : tag;
  log.info({ tag, id, image, tarballBytes: tarball.length, ms: deps.clock.now() - started }, "image built from source");
  return { service, image };
}
