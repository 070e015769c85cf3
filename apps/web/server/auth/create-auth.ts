import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { username } from "better-auth/plugins";
import type { Db } from "@vfleet/db";

export interface AuthOptions {
  db: Db;
  /** Signs the session cookie; at least 32 characters. */
  secret: string;
  /** The URL browsers use (the server's own, or the TLS proxy's): better-auth checks request origins against it. */
  baseUrl: string;
  /** More origins browsers may send from (the loopback names of one server). */
  trustedOrigins?: string[];
  /** A session lasts this long without use; each use within it extends it (better-auth's updateAge). */
  sessionTtlSec?: number;
}

/** Synthetic, never delivered: better-auth requires an email, operators sign in by user name. */
export const emailOf = (name: string) => `${name}@users.vfleet.invalid`;

/**
 * better-auth with its Prisma adapter and username plugin: scrypt password hashes, sessions as
 * PostgreSQL rows (revocable, expiring), a signed HttpOnly SameSite=Lax cookie. The custom
 * server rate-limits sign-in per source address itself (one limiter with enrollment), so
 * better-auth's own limiter is off. No cookie cache: every request reads the session row, so a
 * revoked session is refused at once.
 */
export function createAuth(options: AuthOptions) {
  const expiresIn = options.sessionTtlSec ?? 12 * 3600;
  return betterAuth({
    appName: "vfleet",
    secret: options.secret,
    baseURL: options.baseUrl,
    basePath: "/api/auth",
    trustedOrigins: options.trustedOrigins ?? [],
    database: prismaAdapter(options.db, { provider: "postgresql" }),
    // Users are created by an admin (or the first-run page), never by signing up.
    emailAndPassword: { enabled: true, disableSignUp: true },
    plugins: [username()],
    user: { additionalFields: { role: { type: "string", required: false, input: false, defaultValue: "viewer" } } },
    session: { expiresIn, updateAge: Math.min(3600, Math.floor(expiresIn / 2)), cookieCache: { enabled: false } },
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    logger: { disabled: true },
  });
}

export type Auth = ReturnType<typeof createAuth>;
