// GitHub checks that an access-token request carries a JWT signed (RS256) by the App's private key, issued by the
// App's id. The stand-in checks the same, so a misconfigured key fails here as it would on GitHub.
import { createPublicKey, createVerify } from "node:crypto";

export function verifyAppJwt(
  authorization: string | undefined,
  appId: number,
  privateKeyPem: string,
): string | undefined {
  const token = /^bearer\s+(.+)$/i.exec(authorization ?? "")?.[1];
  if (!token) return "A JSON web token could not be decoded";
  const [header, payload, signature] = token.split(".");
  if (!header || !payload || !signature) return "A JSON web token could not be decoded";
  const verifier = createVerify("RSA-SHA256");
  verifier.update(`${header}.${payload}`);
  if (!verifier.verify(createPublicKey(privateKeyPem), Buffer.from(signature, "base64url")))
    return "'Issuer' claim ('iss') must be an Integer / signature invalid";
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as { iss?: unknown; exp?: number };
  if (String(claims.iss) !== String(appId)) return `'Issuer' claim ('iss') ${String(claims.iss)} is not app ${appId}`;
  if (typeof claims.exp !== "number" || claims.exp * 1000 < Date.now())
    return "'Expiration time' claim ('exp') is too far in the past";
  return undefined;
}
