import { createHmac, timingSafeEqual } from "node:crypto";
import { Identity } from "./identity-schema.ts";

/**
 * The identity the custom server authenticated travels to Next's pages and route handlers in a
 * request header, sealed with a key only this process holds (a fresh random one per control
 * plane). A handler that opens the seal knows the front layer authenticated this request: a
 * header a client forged, or a request that reached Next some other way, opens to nothing.
 */
export function sealIdentity(identity: Identity, key: Buffer): string {
  const body = Buffer.from(JSON.stringify(identity)).toString("base64url");
  return `${body}.${mac(body, key)}`;
}

/** The identity inside a sealed header value, or null when it is absent, malformed or not sealed with `key`. */
export function openIdentity(sealed: string | null | undefined, key: Buffer): Identity | null {
  if (!sealed) return null;
  const dot = sealed.indexOf(".");
  if (dot < 0) return null;
  const body = sealed.slice(0, dot);
  const given = Buffer.from(sealed.slice(dot + 1), "base64url");
  const wanted = Buffer.from(mac(body, key), "base64url");
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return null;
  try {
    const parsed = Identity.safeParse(JSON.parse(Buffer.from(body, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function mac(body: string, key: Buffer): string {
  return createHmac("sha256", key).update(body).digest("base64url");
}
