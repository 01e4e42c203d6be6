import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { entityTags } from '../line-protocol';
import { VimFaultError } from '../soap/vim-fault.error';
import { QueryPerfParser, type CounterField, type EntityOutput } from './query-perf.parser';

const fixture = (name: string): string => readFileSync(join(__dirname, '../fixtures', name), 'utf8');

/** A counter in vcc's schema: these tests are about the parser, the schemas have their own (telegraf-schema.spec.ts). */
const vcc = (measurement: string, field: string): CounterField => ({
  measurement,
  field,
  instanceKeys: ['instance'],
  aggregate: '',
  percent: false,
  unbracket: false,
});
const vmFields = new Map<number, CounterField>([
  [2, vcc('vsphere_vm_cpu', 'usage_average')],
  [6, vcc('vsphere_vm_cpu', 'usagemhz_average')],
  [24, vcc('vsphere_vm_mem', 'usage_average')],
  [173, vcc('vsphere_vm_virtualDisk', 'numberWriteAveraged_average')],
]);
const hostFields = new Map<number, CounterField>([[2, vcc('vsphere_host_cpu', 'usage_average')]]);
const entities = new Map<string, EntityOutput>([
  ['vm-42', { tags: entityTags({ vcenter: 'vc1', moid: 'vm-42', vmname: 'db 01' }), fields: vmFields }],
  ['vm-61', { tags: entityTags({ vcenter: 'vc1', moid: 'vm-61', vmname: 'web' }), fields: vmFields }],
  [
    'host-9',
    { tags: entityTags({ vcenter: 'vc1', moid: 'host-9', esxhostname: 'esx1' }), fields: hostFields },
  ],
]);

describe('QueryPerfParser', () => {
  it('turns a vCenter response into line protocol: instances as tags, fields grouped, -1 dropped', () => {
    const result = QueryPerfParser.parse(fixture('query-perf-vcenter.xml'), entities);
    const t1 = Date.parse('2026-11-23T10:00:20Z') / 1000;
    const t2 = t1 + 20;
    expect(result.lines.toString().split('\n').filter(Boolean)).toEqual([
      `vsphere_vm_cpu,moid=vm-42,vcenter=vc1,vmname=db\\ 01 usage_average=1250i,usagemhz_average=300i ${t1}`,
      `vsphere_vm_cpu,moid=vm-42,vcenter=vc1,vmname=db\\ 01 usage_average=1300i,usagemhz_average=320i ${t2}`,
      `vsphere_vm_cpu,instance=0,moid=vm-42,vcenter=vc1,vmname=db\\ 01 usage_average=2000i ${t1}`,
      `vsphere_vm_cpu,instance=0,moid=vm-42,vcenter=vc1,vmname=db\\ 01 usage_average=2100i ${t2}`,
      `vsphere_vm_cpu,instance=1,moid=vm-42,vcenter=vc1,vmname=db\\ 01 usage_average=500i ${t1}`,
      `vsphere_vm_cpu,instance=1,moid=vm-42,vcenter=vc1,vmname=db\\ 01 usage_average=500i ${t2}`,
      `vsphere_vm_mem,moid=vm-42,vcenter=vc1,vmname=db\\ 01 usage_average=4100i ${t1}`,
      `vsphere_vm_mem,moid=vm-42,vcenter=vc1,vmname=db\\ 01 usage_average=4150i ${t2}`,
      `vsphere_vm_virtualDisk,instance=scsi0:0,moid=vm-42,vcenter=vc1,vmname=db\\ 01 numberWriteAveraged_average=12i ${t1}`,
      `vsphere_vm_virtualDisk,instance=scsi0:0,moid=vm-42,vcenter=vc1,vmname=db\\ 01 numberWriteAveraged_average=0i ${t2}`,
      `vsphere_vm_virtualDisk,instance=scsi0:1,moid=vm-42,vcenter=vc1,vmname=db\\ 01 numberWriteAveraged_average=3i ${t1}`,
      `vsphere_vm_virtualDisk,instance=scsi0:1,moid=vm-42,vcenter=vc1,vmname=db\\ 01 numberWriteAveraged_average=4i ${t2}`,
      `vsphere_host_cpu,esxhostname=esx1,moid=host-9,vcenter=vc1 usage_average=5000i ${t2}`,
    ]);
    expect(result.points).toBe(15);
    expect(result.lineCount).toBe(13);
    // The newest sample with a value: 10:01:00 held only -1 for vm-42.
    expect(result.lastSampleByEntity).toEqual({ 'vm-42': t2, 'host-9': t2 });
    expect(result.unknownSeries).toBe(1); // counter 999 was not asked for
    expect(result.misalignedSeries).toBe(0);
  });

  it('reads vcsim: xsi on an unusual prefix, newest-first nanosecond timestamps, * not expanded, a series missing a value', () => {
    const result = QueryPerfParser.parse(fixture('query-perf-vcsim.xml'), entities);
    const newest = Math.floor(Date.parse('2026-11-23T10:01:00Z') / 1000);
    expect(result.lines.toString().split('\n').filter(Boolean)).toEqual([
      `vsphere_vm_cpu,moid=vm-61,vcenter=vc1,vmname=web usage_average=81i ${newest}`,
      `vsphere_vm_cpu,moid=vm-61,vcenter=vc1,vmname=web usage_average=77i ${newest - 20}`,
      `vsphere_vm_cpu,moid=vm-61,vcenter=vc1,vmname=web usage_average=90i ${newest - 40}`,
    ]);
    expect(result.misalignedSeries).toBe(1); // counter 24 has 2 values for 3 samples: their times are unknowable
    expect(result.lastSampleByEntity).toEqual({ 'vm-61': newest });
  });

  it('gives the same result when the response arrives in small pieces', () => {
    const xml = Buffer.from(fixture('query-perf-vcenter.xml'));
    const whole = QueryPerfParser.parse(xml, entities);
    const parser = new QueryPerfParser(entities);
    for (let at = 0; at < xml.length; at += 7) parser.write(xml.subarray(at, at + 7));
    expect(parser.close()).toEqual(whole);
  });

  it('reads UTF-8 split anywhere, within a character too', () => {
    const xml = Buffer.from(
      fixture('query-perf-vcenter.xml').replace(
        '<instance>scsi0:1</instance>',
        '<instance>scsi0:1 – ü</instance>',
      ),
    );
    const whole = QueryPerfParser.parse(xml, entities);
    expect(whole.lines.toString()).toContain(',instance=scsi0:1\\ –\\ ü,moid=vm-42,');
    const parser = new QueryPerfParser(entities);
    for (const byte of xml) parser.write(Uint8Array.of(byte));
    expect(parser.close()).toEqual(whole);
  });

  it('raises the fault a response carries, with its type and detail', () => {
    expect(() => QueryPerfParser.parse(fixture('fault-not-authenticated.xml'), entities)).toThrow(
      new VimFaultError('NotAuthenticated', 'The session is not authenticated.'),
    );
    let fault: unknown;
    try {
      QueryPerfParser.parse(fixture('fault-query-spec-size.xml'), entities);
    } catch (error) {
      fault = error;
    }
    expect(fault).toBeInstanceOf(VimFaultError);
    expect((fault as VimFaultError).faultType).toBe('InvalidArgument');
    expect((fault as VimFaultError).detail).toEqual({ invalidProperty: 'querySpec.size' });
  });

  it('refuses CSV results rather than misreading them', () => {
    const csv = fixture('query-perf-vcenter.xml').replace(/PerfEntityMetric"/g, 'PerfEntityMetricCSV"');
    expect(() => QueryPerfParser.parse(csv, entities)).toThrow(/PerfEntityMetricCSV/);
  });

  it('reads well-formed XML that vCenter does not usually send: prefixes, comments, CDATA, references, quoted >', () => {
    const xml = `<?xml version="1.0"?><!-- a proxy's comment -->
<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/" xmlns:i="http://www.w3.org/2001/XMLSchema-instance" note="a > b">
 <S:Body><v:QueryPerfResponse xmlns:v="urn:vim25"><v:returnval i:type="PerfEntityMetric">
  <v:entity type="VirtualMachine">vm-&#52;2</v:entity><?pi ignored?>
  <v:sampleInfo><v:timestamp>2026-11-23T10:00:20Z</v:timestamp><v:interval>20</v:interval></v:sampleInfo>
  <v:value i:type="PerfMetricIntSeries"><v:id><v:counterId>173</v:counterId><v:instance>scsi&amp;0</v:instance></v:id><v:value><![CDATA[7]]></v:value></v:value>
  <v:value i:type="PerfMetricIntSeries"><v:id><v:counterId>2</v:counterId><v:instance/></v:id><v:value>99</v:value></v:value>
 </v:returnval></v:QueryPerfResponse></S:Body></S:Envelope>`;
    const t = Date.parse('2026-11-23T10:00:20Z') / 1000;
    const expected = [
      `vsphere_vm_virtualDisk,instance=scsi&0,moid=vm-42,vcenter=vc1,vmname=db\\ 01 numberWriteAveraged_average=7i ${t}`,
      `vsphere_vm_cpu,moid=vm-42,vcenter=vc1,vmname=db\\ 01 usage_average=99i ${t}`,
    ];
    expect(QueryPerfParser.parse(xml, entities).lines.toString().split('\n').filter(Boolean)).toEqual(
      expected,
    );
    // One byte at a time: every split point, inside tags, references, CDATA and characters.
    const parser = new QueryPerfParser(entities);
    for (const byte of Buffer.from(xml)) parser.write(Uint8Array.of(byte));
    expect(parser.close().lines.toString().split('\n').filter(Boolean)).toEqual(expected);
  });

  it('refuses a response that ends inside an element', () => {
    const xml = fixture('query-perf-vcenter.xml');
    expect(() => QueryPerfParser.parse(xml.slice(0, xml.length / 2), entities)).toThrow(
      /ended inside <Envelope><Body><QueryPerfResponse>/,
    );
  });
});
