import { z } from "zod";
import { Role } from "./roles.ts";

/** better-auth's username plugin accepts 3-30 of these (it lower-cases them). */
const Username = z
  .string({ error: "is required" })
  .min(3, "must be at least 3 characters")
  .max(30, "must be at most 30 characters")
  .regex(/^[A-Za-z0-9_.]+$/, "must be letters, digits, _ and .");

/** better-auth's default limits: 8 to 128 characters. */
const Password = z.string({ error: "is required" }).min(8, "must be at least 8 characters").max(128, "must be at most 128 characters");

export const SetupRequest = z.object({ username: Username, password: Password }).strict();
export type SetupRequest = z.infer<typeof SetupRequest>;

export const CreateUserRequest = z.object({ username: Username, password: Password, role: Role }).strict();
export type CreateUserRequest = z.infer<typeof CreateUserRequest>;

/** A role change, a password reset, or both at once. */
export const UpdateUserRequest = z
  .object({ role: Role.optional(), password: Password.optional() })
  .strict()
  .refine((r) => r.role !== undefined || r.password !== undefined, { message: "give role or password", path: ["role"] });
export type UpdateUserRequest = z.infer<typeof UpdateUserRequest>;

const MAX_TOKEN_TTL_SEC = 366 * 86_400;

export const CreateApiTokenRequest = z
  .object({
    name: z
      .string({ error: "is required" })
      .min(1, "must not be empty")
      .max(64, "must be at most 64 characters")
      .regex(/^[A-Za-z0-9_.-]+$/, "must be letters, digits, _ . -"),
    role: Role,
    /** Without it the token lives until revoked. */
    ttlSec: z
      .number()
      .int("must be an integer")
      .min(60, "must be at least 60")
      .max(MAX_TOKEN_TTL_SEC, `must be at most ${MAX_TOKEN_TTL_SEC} (366 days)`)
      .optional(),
  })
  .strict();
export type CreateApiTokenRequest = z.infer<typeof CreateApiTokenRequest>;
