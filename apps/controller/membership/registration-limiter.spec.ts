import type { ControllerConfig } from '@vcc/config';
import { RegistrationLimiter } from './registration-limiter';

function limiter(registerLimitPerMinute: number): RegistrationLimiter {
  return new RegistrationLimiter({ membership: { registerLimitPerMinute } } as ControllerConfig);
}

describe('RegistrationLimiter', () => {
  it('admits the limit per minute, then tells how long to wait until the window ends', () => {
    const limit = limiter(3);
    expect([0, 1_000, 2_000].map((at) => limit.take('collectors', '10.0.0.1', at))).toEqual([0, 0, 0]);
    expect(limit.take('collectors', '10.0.0.1', 2_500)).toBe(58);
    expect(limit.take('collectors', '10.0.0.1', 59_001)).toBe(1);
    expect(limit.take('collectors', '10.0.0.1', 60_000)).toBe(0);
  });

  it('keeps a budget per token and address: one NAT address with several tokens, one token from several addresses', () => {
    const limit = limiter(1);
    expect(limit.take('rack-1', '192.0.2.7', 0)).toBe(0);
    expect(limit.take('rack-1', '192.0.2.7', 10)).toBe(60);
    expect(limit.take('rack-2', '192.0.2.7', 20)).toBe(0);
    expect(limit.take('rack-1', '192.0.2.8', 30)).toBe(0);
  });
});
