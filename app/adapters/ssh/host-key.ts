import { createHash } from "node:crypto";

/** The pinned key is either "type base64" (as in known_hosts) or "SHA256:<base64>" (as ssh-keygen -l prints). */
export function hostKeyMatches(pinned: string, offered: Buffer): boolean {
  const trimmed = pinned.trim();
  if (trimmed.startsWith("SHA256:")) {
    return fingerprint(offered) === trimmed;
  }
  const blob = trimmed.split(/\s+/)[1];
  return blob !== undefined && Buffer.from(blob, "base64").equals(offered);
}

export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash("sha256").update(key).digest("base64").replace(/=+$/, "")}`;
}
