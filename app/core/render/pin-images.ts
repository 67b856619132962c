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
