import { buildOpenApiDocument } from "@/lib/openapi/build-openapi-document.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/** `GET /api/v1/openapi.json`: the OpenAPI 3.1 document, generated from the request and response zod schemas. */
export const GET = withAccess("public", async (_request: Request): Promise<Response> => {
  return Response.json(buildOpenApiDocument());
});
