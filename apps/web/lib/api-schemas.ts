import { z } from "zod";

/** RFC 1123 host name: what `hostname` prints and what the agent's scan reports. */
const Hostname = z
  .string()
  .min(1, "must not be empty")
  .max(253, "must be at most 253 characters")
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/, "must be a host name of letters, digits, '.' and '-'");

export const EnrollRequest = z
  .object({
    token: z.string({ error: "is required" }).min(1, "must not be empty").max(256, "must be at most 256 characters"),
    hostname: Hostname,
  })
  .strict();
export type EnrollRequest = z.infer<typeof EnrollRequest>;

export const CreateEnrollmentTokenRequest = z
  .object({
    /** Display name for the host to be; defaults to its hostname at enrollment. */
    hostName: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, "must be 1-63 characters of A-Z a-z 0-9 _ . - starting with a letter or digit")
      .optional(),
    /** How long the token stays redeemable; an hour unless told (the db's default). */
    ttlSec: z
      .number()
      .int()
      .min(60, "must be at least 60")
      .max(30 * 86_400, "must be at most 2592000 (30 days)")
      .optional(),
  })
  .strict();
export type CreateEnrollmentTokenRequest = z.infer<typeof CreateEnrollmentTokenRequest>;
