import { DEFAULT_COUNTERS } from '@vcc/contract';
import { COUNTERS } from './counters';

describe('simulator counters', () => {
  it("serve every default counter for its kind, so the quickstart and tests collect vcc's whole default set", () => {
    const missing = Object.entries(DEFAULT_COUNTERS).flatMap(([kind, names]) =>
      names.filter((name) => {
        const counter = COUNTERS.find((c) => c.fullName === name);
        return !counter || !(kind in counter.appliesTo);
      }),
    );
    expect(missing).toEqual([]);
  });
});
