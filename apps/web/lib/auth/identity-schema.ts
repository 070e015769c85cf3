import { z } from "zod";
import { Role } from "./roles.ts";

/** Who is calling, as the custom server authenticated them (session cookie or API token). */
export const Identity = z.object({
  kind: z.enum(["user", "token"]),
  id: z.string(),
  name: z.string(),
  role: Role,
});
export type Identity = z.infer<typeof Identity>;
