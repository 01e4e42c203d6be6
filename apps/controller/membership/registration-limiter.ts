import { Injectable } from '@nestjs/common';
import { ControllerConfig } from '@vcc/config';

const WINDOW_MS = 60_000;

/**
 * Registrations per minute for each collector token and client address. It is applied after the
 * body is validated, so a client sending bad requests does not use up the budget of good ones,
 * and per token as well as per address, so collectors behind one NAT with their own tokens do not
 * share one budget. Each replica counts its own.
 */
@Injectable()
export class RegistrationLimiter {
  private readonly limitPerMinute: number;
  private readonly windowByKey = new Map<string, { startMs: number; count: number }>();

  constructor(config: ControllerConfig) {
    this.limitPerMinute = config.membership.registerLimitPerMinute;
  }

  /** Counts a registration of `tokenName` from `address`; returns 0, or the seconds to wait when over the limit. */
  take(tokenName: string, address: string | null, nowMs: number): number {
    for (const [key, window] of this.windowByKey) {
      if (nowMs - window.startMs >= WINDOW_MS) this.windowByKey.delete(key);
    }
    const key = `${tokenName}\n${address ?? ''}`;
    const window = this.windowByKey.get(key) ?? { startMs: nowMs, count: 0 };
    if (window.count >= this.limitPerMinute) return Math.ceil((window.startMs + WINDOW_MS - nowMs) / 1000);
    window.count++;
    this.windowByKey.set(key, window);
    return 0;
  }
}
