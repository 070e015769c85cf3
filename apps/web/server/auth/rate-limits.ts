import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

export interface RateLimitOptions {
  /** Sign-in attempts per source address per minute (password guessing). */
  signInPerMinute?: number;
  /** Enrollment attempts per source address per minute (enrollment-token guessing). */
  enrollPerMinute?: number;
}

export type Limited = { retryAfterSec: number } | null;

/**
 * Per-source-address limits on the two endpoints that take a secret from an anonymous caller.
 * In memory: one control plane per database today; several processes would each allow the limit.
 */
export function createRateLimits(options: RateLimitOptions = {}) {
  const signIn = new RateLimiterMemory({ points: options.signInPerMinute ?? 10, duration: 60 });
  const enroll = new RateLimiterMemory({ points: options.enrollPerMinute ?? 30, duration: 60 });
  const consume = async (limiter: RateLimiterMemory, address: string): Promise<Limited> => {
    try {
      await limiter.consume(address);
      return null;
    } catch (res) {
      if (res instanceof RateLimiterRes) return { retryAfterSec: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
      throw res;
    }
  };
  return {
    signIn: (address: string) => consume(signIn, address),
    enroll: (address: string) => consume(enroll, address),
  };
}
export type RateLimits = ReturnType<typeof createRateLimits>;
