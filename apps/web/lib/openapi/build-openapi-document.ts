import { z } from "zod";
import { ACCESS_RULES, type Method } from "../auth/access-rules.ts";
import { ErrorResponse } from "./response-schemas.ts";
import { API_OPERATIONS, type Operation } from "./api-operations.ts";

/** JSON Schema 2020-12 (OpenAPI 3.1's dialect) of a zod schema, without the `$schema` line. */
function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
}

const openApiPath = (route: string) => route.replace(/\[([^\]]+)\]/g, "{$1}");

function operationObject(op: Operation) {
  const access = ACCESS_RULES[op.route]?.[op.method.toUpperCase() as Method] ?? "admin";
  const params = [
    ...[...op.route.matchAll(/\[([^\]]+)\]/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } })),
    ...Object.entries(op.query ?? {}).map(([name, description]) => ({
      name,
      in: "query",
      required: false,
      description,
      schema: { type: "string" },
    })),
    // Every POST takes one (lib/idempotency/idempotent.ts; test/idempotent-routes.test.ts holds the routes to it).
    ...(op.method === "post"
      ? [
          {
            name: "Idempotency-Key",
            in: "header",
            required: false,
            description:
              "retry safely: the same key with the same request replays the first answer for 24 h (header Idempotent-Replayed: true); with another request it is a 422",
            schema: { type: "string", minLength: 16, maxLength: 255 },
          },
        ]
      : []),
  ];
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(op.responses)) {
    responses[status] = {
      description: r.description,
      ...(r.schema ? { content: { [r.contentType ?? "application/json"]: { schema: jsonSchema(r.schema, "output") } } } : {}),
    };
  }
  const error = { content: { "application/json": { schema: jsonSchema(ErrorResponse, "output") } } };
  if (op.method === "post") {
    responses["409"] ??= { description: "a request with this Idempotency-Key is still running (Retry-After)", ...error };
    responses["422"] ??= { description: "this Idempotency-Key was used with another request", ...error };
  }
  // The database is unreachable: nothing was changed (Retry-After).
  responses["503"] ??= { description: "PostgreSQL is unreachable; retry after Retry-After seconds", ...error };
  if (access !== "public") {
    responses["401"] ??= { description: "no identity, or an unknown, revoked or expired token", ...error };
    responses["403"] ??= { description: `needs the ${access} role`, ...error };
  }
  return {
    summary: op.summary,
    "x-vfleet-role": access,
    security: access === "public" ? [] : [{ bearerToken: [] }, { sessionCookie: [] }],
    ...(params.length ? { parameters: params } : {}),
    ...(op.body ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(op.body, "input") } } } } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of /api/v1, generated from the operations and their zod schemas. */
export function buildOpenApiDocument(serverUrl?: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of API_OPERATIONS) (paths[openApiPath(op.route)] ??= {})[op.method] = operationObject(op);
  return {
    openapi: "3.1.0",
    info: {
      title: "vfleet control plane",
      version: "1",
      description: "PCIe passthrough and SR-IOV across a KVM fleet. Roles: viewer < operator < admin (x-vfleet-role on each operation).",
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    components: {
      securitySchemes: {
        bearerToken: { type: "http", scheme: "bearer", description: "An API token from POST /api/v1/tokens (vft_...)" },
        sessionCookie: {
          type: "apiKey",
          in: "cookie",
          name: "better-auth.session_token",
          description: "Set by POST /api/auth/sign-in/username",
        },
      },
    },
    paths,
  };
}
