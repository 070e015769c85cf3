export {
  claimIdempotencyKey,
  renewIdempotencyClaim,
  IDEMPOTENCY_TTL_MS,
  IDEMPOTENCY_LEASE_MS,
  type IdempotencyClaim,
} from "./claim-idempotency-key.ts";
export { saveIdempotentAnswer, releaseIdempotencyKey } from "./settle-idempotency-key.ts";
export { hashIdempotentRequest, type IdempotentAnswer } from "./idempotent-answer.ts";
