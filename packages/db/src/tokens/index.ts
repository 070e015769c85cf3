export { createApiToken, MAX_API_TOKEN_TTL_SEC, type ApiTokenView } from "./create-api-token.ts";
export { authenticateApiToken } from "./authenticate-api-token.ts";
export { listApiTokens } from "./list-api-tokens.ts";
export { revokeApiToken } from "./revoke-api-token.ts";
