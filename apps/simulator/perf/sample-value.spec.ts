import { COUNTERS } from './counters';
import { sampleValue, seriesSampler, timeOfDay } from './sample-value';

const T = 1_767_225_600; // 2026-01-01T00:00:00Z

describe('sampleValue', () => {
  it('is a pure function of moref, counter, instance and timestamp', () => {
    expect(sampleValue('vm-42', 'cpu.usage.average', '', T)).toBe(
      sampleValue('vm-42', 'cpu.usage.average', '', T),
    );
    const values = new Set([
      sampleValue('vm-42', 'cpu.usage.average', '', T),
      sampleValue('vm-43', 'cpu.usage.average', '', T),
      sampleValue('vm-42', 'cpu.usagemhz.average', '', T),
      sampleValue('vm-42', 'cpu.usage.average', '0', T),
      sampleValue('vm-42', 'cpu.usage.average', '', T + 20),
    ]);
    expect(values.size).toBe(5);
  });

  it('gives the value QueryPerf computes through the per-series sampler', () => {
    for (const t of [T, T + 20, T + 43_210]) {
      const { sin, cos } = timeOfDay(t);
      expect(seriesSampler('host-9', 'net.usage.average', 'vmnic0')(t, sin, cos)).toBe(
        sampleValue('host-9', 'net.usage.average', 'vmnic0', t),
      );
    }
  });

  it('gives non-negative integers for every counter, percentages in hundredths up to 10000', () => {
    for (const counter of COUNTERS) {
      for (let i = 0; i < 50; i++) {
        const value = sampleValue(`vm-${i}`, counter.fullName, '', T + i * 20);
        expect(Number.isInteger(value)).toBe(true);
        expect(value).toBeGreaterThanOrEqual(0);
        if (counter.unit === 'percent') expect(value).toBeLessThanOrEqual(10_000);
      }
    }
  });

  it('varies over time within a series', () => {
    const values = Array.from({ length: 30 }, (_, i) =>
      sampleValue('vm-7', 'cpu.usage.average', '', T + i * 20),
    );
    expect(new Set(values).size).toBeGreaterThan(20);
  });

  it('keeps a datastore consistent: capacity constant, provisioned above used, used below capacity', () => {
    const capacity = sampleValue('datastore-5', 'disk.capacity.latest', '', T);
    for (let i = 0; i < 48; i++) {
      const t = T + i * 1800;
      const used = sampleValue('datastore-5', 'disk.used.latest', '', t);
      expect(sampleValue('datastore-5', 'disk.capacity.latest', '', t)).toBe(capacity);
      expect(used).toBeLessThan(capacity);
      expect(sampleValue('datastore-5', 'disk.provisioned.latest', '', t)).toBeGreaterThan(used);
    }
  });

  it('gives a plausible value for a counter outside the catalogue', () => {
    expect(Number.isInteger(sampleValue('vm-1', 'gpu.utilization.average', '', T))).toBe(true);
  });
});
