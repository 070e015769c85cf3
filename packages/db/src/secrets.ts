import { createHash, randomBytes } from "node:crypto";

/** sha256 (hex) of a secret. Secrets are 256 random bits, so a fast hash is enough to make a leaked table useless. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** A new random secret, prefixed so a leaked one can be recognised (`vfe_` enrollment token, `vfa_` agent credential, `vft_` API token). */
export function generateSecret(prefix: "vfe" | "vfa" | "vft"): string {
  return `${prefix}_${randomBytes(32).toString("base64url")}`;
}
