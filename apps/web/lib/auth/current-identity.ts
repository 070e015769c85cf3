import { headers } from "next/headers";
import { identityFromHeaders, type Identity } from "./identity.ts";

/** The signed-in user or token of the page being rendered (set by the custom server; null only on public pages). */
export async function currentIdentity(): Promise<Identity | null> {
  return identityFromHeaders(await headers());
}
