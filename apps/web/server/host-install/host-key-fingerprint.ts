import { createHash } from "node:crypto";

/** OpenSSH's form of a host key fingerprint (`ssh-keygen -l -E sha256`): "SHA256:" + unpadded base64. */
export function hostKeyFingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash("sha256").update(keyBlob).digest("base64").replace(/=+$/, "")}`;
}

/** The key type named at the start of an SSH public key blob (e.g. ssh-ed25519). */
export function hostKeyType(keyBlob: Buffer): string {
  const len = keyBlob.readUInt32BE(0);
  return keyBlob.subarray(4, 4 + len).toString("latin1");
}
