import { PreparedQueryPerf } from './query-perf.request';

describe('PreparedQueryPerf', () => {
  const prepared = new PreparedQueryPerf(
    'PerfMgr',
    [
      { entity: { type: 'VirtualMachine', value: 'vm-1' }, metricIds: [{ counterId: 2, instance: '*' }] },
      {
        entity: { type: 'HostSystem', value: 'host-<9>' },
        metricIds: [
          { counterId: 6, instance: '' },
          { counterId: 7, instance: 'vmnic0' },
        ],
      },
    ],
    20,
  );
  const envelope = (specs: string): string =>
    '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><QueryPerf xmlns="urn:vim25"><_this type="PerformanceManager">PerfMgr</_this>' +
    specs +
    '</QueryPerf></soapenv:Body></soapenv:Envelope>';
  const vm = (window: string): string =>
    `<querySpec><entity type="VirtualMachine">vm-1</entity>${window}<metricId><counterId>2</counterId><instance>*</instance></metricId><intervalId>20</intervalId><format>normal</format></querySpec>`;
  const host = (window: string): string =>
    `<querySpec><entity type="HostSystem">host-&lt;9&gt;</entity>${window}<metricId><counterId>6</counterId><instance></instance></metricId><metricId><counterId>7</counterId><instance>vmnic0</instance></metricId><intervalId>20</intervalId><format>normal</format></querySpec>`;

  it("fills each entity's window in between its entity and metric ids, in the schema's element order", () => {
    const end = new Date('2026-11-23T10:01:00Z');
    const body = prepared.body((moref) =>
      moref === 'vm-1' ? { start: new Date('2026-11-23T10:00:00Z'), end, maxSample: 3 } : { end },
    );
    expect(body.toString()).toBe(
      envelope(
        vm(
          '<startTime>2026-11-23T10:00:00.000Z</startTime><endTime>2026-11-23T10:01:00.000Z</endTime><maxSample>3</maxSample>',
        ) + host('<endTime>2026-11-23T10:01:00.000Z</endTime>'),
      ),
    );
  });

  it('builds every cycle from the same prepared specs, one window shared by both entities', () => {
    const end = new Date('2026-11-23T10:02:00Z');
    const window = '<endTime>2026-11-23T10:02:00.000Z</endTime><maxSample>1</maxSample>';
    expect(prepared.body(() => ({ end, maxSample: 1 })).toString()).toBe(envelope(vm(window) + host(window)));
  });
});
