import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/** What a write answered: replayed as is to a retry with the same key. */
export type IdempotentAnswer = { status: number; contentType: string | null; body: string };

/** The row's id: the caller and the key, hashed (the key is also the answer's encryption key). */
export function idempotencyRowId(actor: string, key: string): string {
  return createHash("sha256").update(`row\0${actor}\0${key}`).digest("hex");
}

/** sha256 of the request a key was first used with: method, path with query, body. */
export function hashIdempotentRequest(request: { method: string; path: string; body: string }): string {
  return createHash("sha256").update(`${request.method.toUpperCase()}\0${request.path}\0${request.body}`).digest("hex");
}

const cipherKey = (key: string) => createHash("sha256").update(`answer\0${key}`).digest();

/**
 * AES-256-GCM under a key derived from the client's Idempotency-Key, which only the client
 * holds: an answer can carry a secret shown once (an API token, an agent credential), and
 * the database must not keep it readable for the key's lifetime.
 */
export function sealAnswer(key: string, answer: IdempotentAnswer): Uint8Array<ArrayBuffer> {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", cipherKey(key), iv);
  const sealed = Buffer.concat([cipher.update(JSON.stringify(answer), "utf8"), cipher.final()]);
  return new Uint8Array(Buffer.concat([iv, cipher.getAuthTag(), sealed]));
}

export function openAnswer(key: string, sealed: Uint8Array): IdempotentAnswer {
  const bytes = Buffer.from(sealed);
  const decipher = createDecipheriv("aes-256-gcm", cipherKey(key), bytes.subarray(0, 12));
  decipher.setAuthTag(bytes.subarray(12, 28));
  return JSON.parse(Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString("utf8")) as IdempotentAnswer;
}
