import { z } from "zod";

/** viewer reads everything; operator also changes hosts (jobs, plans); admin also manages users, tokens, enrollment and hosts. */
export const Role = z.enum(["viewer", "operator", "admin"]);
export type Role = z.infer<typeof Role>;

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Roles are ordered: each one may do everything the one below it may. */
export function roleAllows(held: Role, needed: Role): boolean {
  return RANK[held] >= RANK[needed];
}
