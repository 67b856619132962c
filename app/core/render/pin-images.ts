// Promotion: production runs exactly the images staging ran for the commit. The rendered stack's images are
// replaced by the recorded image references (a registry digest repo@sha256:… where one exists, which every node can
// pull; otherwise the local image ID sha256:…, which exists on this node only). The hash is recomputed.
import { createHash } from "node:crypto";
import { parse, stringify } from "yaml";
import { FinalError } from "../../errors.js";

export interface RecordedImage {
  /** The reference the stack asked for, e.g. berth-test-web:1 */
  ref: string;
  /** Image ID, sha256:… */
  id: string;
  /** repo@sha256:… when the image came from (or was pushed to) a registry */
  digest?: string;
}

/**
 * Services whose recorded image has no registry digest: pinned to a local image ID, which only the node that built
 * or loaded it has. On a Swarm of more than one node such a task is rejected wherever it lands elsewhere
 * ("No such image"), so production refuses the promotion instead of half-failing.
 */
export function localOnlyImages(images: Record<string, RecordedImage>, nodes: number): string | undefined {
  if (nodes <= 1) return undefined;
  const local = Object.entries(images).filter(([, image]) => !image.digest);
  if (local.length === 0) return undefined;
  return `this Swarm has ${nodes} nodes, but ${local.map(([name, image]) => `${name} (${image.ref} = ${image.id.slice(0, 19)}…)`).join(", ")} exists only as a local image on the manager, which the other nodes cannot run; set build.registry (or deploy images from a registry) so production pins a digest every node can pull`;
}

export function pinnedReference(image: RecordedImage): string {
  return image.digest ?? image.id;
}

export function pinImages(yaml: string, images: Record<string, RecordedImage>): { yaml: string; hash: string } {
  const doc = parse(yaml) as { services?: Record<string, { image?: string }> };
  const missing = Object.keys(doc.services ?? {}).filter((name) => !images[name]);
  if (missing.length > 0) {
    throw new FinalError(
      `no recorded image for service${missing.length === 1 ? "" : "s"} ${missing.join(", ")}: the staging release predates them; deploy this commit to staging first`,
    );
  }
  return setImages(
    yaml,
    Object.fromEntries(Object.entries(images).map(([name, image]) => [name, pinnedReference(image)])),
  );
}

/** Sets the image of the named services (a built image, a pinned reference) on a rendered stack. */
export function setImages(yaml: string, images: Record<string, string>): { yaml: string; hash: string } {
  const doc = parse(yaml) as { services?: Record<string, { image?: string }> };
  for (const [name, service] of Object.entries(doc.services ?? {}))
    if (images[name] !== undefined) service.image = images[name];
  const out = stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false });
  return { yaml: out, hash: createHash("sha256").update(out).digest("hex") };
}
