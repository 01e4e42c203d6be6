import { planQueries, SOAP_ELEMENT_BUDGET, type PlannedSpec } from './query-planner';

const ids = (count: number): PlannedSpec['metricIds'] =>
  Array.from({ length: count }, (_, i) => ({ counterId: i + 1, instance: '*' }));
const vm = (n: number, metrics: number): PlannedSpec => ({
  entity: { type: 'VirtualMachine', value: `vm-${n}` },
  metricIds: ids(metrics),
});
const pairs = (request: PlannedSpec[]): number =>
  request.reduce((sum, spec) => sum + spec.metricIds.length, 0);

describe('planQueries', () => {
  it('packs whole entities under maxQueryMetrics', () => {
    const work = Array.from({ length: 40 }, (_, i) => vm(i, 14));
    const plan = planQueries(work, { maxQueryMetrics: 256, maxEntitiesPerQuery: 1000 });
    expect(plan.map((request) => request.length)).toEqual([18, 18, 4]);
    expect(plan.every((request) => pairs(request) <= 256)).toBe(true);
    expect(plan.flat().map((spec) => spec.entity.value)).toEqual(work.map((w) => w.entity.value));
  });

  it('honours the entity cap when vCenter sets no limit', () => {
    const plan = planQueries(
      Array.from({ length: 10 }, (_, i) => vm(i, 5)),
      { maxQueryMetrics: null, maxEntitiesPerQuery: 4 },
    );
    expect(plan.map((request) => request.length)).toEqual([4, 4, 2]);
  });

  it('splits an entity whose metrics exceed one request across specs, keeping every metric exactly once', () => {
    const plan = planQueries([vm(1, 10), vm(2, 150), vm(3, 3)], {
      maxQueryMetrics: 64,
      maxEntitiesPerQuery: 100,
    });
    expect(plan.every((request) => pairs(request) <= 64)).toBe(true);
    const vm2 = plan
      .flat()
      .filter((spec) => spec.entity.value === 'vm-2')
      .flatMap((spec) => spec.metricIds.map((m) => m.counterId));
    expect(vm2).toEqual(ids(150).map((m) => m.counterId));
    expect(plan.flat().filter((spec) => spec.entity.value === 'vm-1')).toHaveLength(1);
  });

  it('stays far below the 500,000-element SOAP limit when metrics are unlimited', () => {
    const plan = planQueries(
      Array.from({ length: 3000 }, (_, i) => vm(i, 30)),
      { maxQueryMetrics: null, maxEntitiesPerQuery: 100_000 },
    );
    for (const request of plan)
      expect(request.length * 8 + pairs(request) * 3).toBeLessThanOrEqual(SOAP_ELEMENT_BUDGET);
    expect(plan.flat().reduce((sum, spec) => sum + spec.metricIds.length, 0)).toBe(90_000);
  });

  it('rejects a limit that leaves no room', () => {
    expect(() => planQueries([vm(1, 1)], { maxQueryMetrics: 0, maxEntitiesPerQuery: 10 })).toThrow(/no room/);
  });
});
