export { claimIdempotencyKey, IDEMPOTENCY_TTL_MS, IDEMPOTENCY_STALE_CLAIM_MS, type IdempotencyClaim } from "./claim-idempotency-key.ts";
export { saveIdempotentAnswer, releaseIdempotencyKey } from "./settle-idempotency-key.ts";
export { hashIdempotentRequest, type IdempotentAnswer } from "./idempotent-answer.ts";
