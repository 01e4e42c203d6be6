import { countLimitedMetrics, type PerfQuerySpec } from './perf-query';

const spec = (value: string, metrics: number | undefined, intervalId: number): PerfQuerySpec => ({
  entity: { type: value.startsWith('vm') ? 'VirtualMachine' : 'ClusterComputeResource', value },
  intervalId,
  metricId:
    metrics === undefined
      ? undefined
      : Array.from({ length: metrics }, (_, i) => ({ counterId: i, instance: '*' })),
});

describe('countLimitedMetrics', () => {
  const historical = (s: PerfQuerySpec): boolean => s.intervalId === 300;

  it('counts entity x metricId pairs of historical specs only (realtime queries are not limited)', () => {
    const specs = [spec('vm-1', 10, 20), spec('domain-c7', 4, 300), spec('domain-c8', 3, 300)];
    expect(countLimitedMetrics(specs, historical, () => 0)).toBe(7);
  });

  it('counts every available metric of a spec that names none', () => {
    expect(countLimitedMetrics([spec('domain-c7', undefined, 300)], historical, () => 27)).toBe(27);
  });

  it('counts an instance wildcard as one metric', () => {
    expect(countLimitedMetrics([spec('domain-c7', 1, 300)], historical, () => 27)).toBe(1);
  });
});
