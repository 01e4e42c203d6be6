import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  counterFields,
  QueryPerfParser,
  type EntityOutput,
  type Inventory,
  type PerfCounter,
} from '@vcc/vsphere';
import { parseLine, type ParsedLine } from '../../../test/support/line-protocol';
import { allEntities } from './entities';

/** The counters of the recorded response, as vCenter 7 describes them (keys, units). */
const COUNTERS = [
  [2, 'cpu', 'usage', 'average', 'percent'],
  [6, 'cpu', 'usagemhz', 'average', 'megaHertz'],
  [24, 'mem', 'usage', 'average', 'percent'],
  [173, 'virtualDisk', 'read', 'average', 'kiloBytesPerSecond'],
].map(
  ([key, group, counter, rollup, unit]) =>
    ({ key, group, counter, rollup, unit, name: `${group}.${counter}.${rollup}` }) as unknown as PerfCounter,
);

const inventory = {
  vms: [
    {
      moref: 'vm-42',
      name: 'db 01',
      uuid: '4211f7c4-5e1a-3d5c-9c2e-1a2b3c4d5e6f',
      powerState: 'poweredOn',
      template: false,
      datacenterName: 'dc1',
      folderPath: '',
      clusterName: 'c1',
      hostName: 'esx1',
      resourcePoolName: 'Gold',
    },
  ],
  hosts: [
    {
      moref: 'host-9',
      name: 'esx1',
      clusterName: 'c1',
      datacenterName: 'dc1',
      connectionState: 'connected',
      powerState: 'poweredOn',
    },
  ],
  clusters: [],
  datastores: [],
  bootTimeByMoref: new Map(),
  guestIdByMoref: new Map([['vm-42', 'ubuntu64Guest']]),
} as unknown as Inventory;

/** A line as a value: measurement, tag set, fields with their types, timestamp. */
function typed(line: string): ParsedLine & { types: Record<string, string> } {
  const parsed = parseLine(line);
  const fieldSet = line.slice(line.lastIndexOf(' ', line.lastIndexOf(' ') - 1) + 1, line.lastIndexOf(' '));
  const types = Object.fromEntries(
    fieldSet.split(',').map((pair) => {
      const [key, value] = pair.split('=');
      return [key, value.endsWith('i') ? 'integer' : 'float'];
    }),
  );
  return { ...parsed, types };
}

describe("Telegraf's schema", () => {
  it('writes for a recorded QueryPerf response what Telegraf documents for it (tags, fields, types, values)', () => {
    const xml = readFileSync(join(__dirname, '../../../libs/vsphere/fixtures/query-perf-vcenter.xml'));
    const entities = new Map<string, EntityOutput>(
      allEntities(inventory, 'vc1', 'telegraf').map((e) => [
        e.moref,
        { tags: e.tags, fields: counterFields(e.kind, COUNTERS, 'telegraf') },
      ]),
    );
    const written = QueryPerfParser.parse(xml, entities).lines.toString().split('\n').filter(Boolean);
    const expected = readFileSync(join(__dirname, 'fixtures/query-perf-vcenter.telegraf.lp'), 'utf8')
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'));
    expect(written.map(typed)).toEqual(expected.map(typed));
    // Byte for byte too: the tags sorted, floats in their shortest form.
    expect(written).toEqual(expected);
  });

  it('writes hundredths of a percent as the shortest decimal of the value / 100', () => {
    const values = ['0', '5', '50', '100', '105', '1000', '12345', '007'];
    const xml = `<Envelope><Body><QueryPerfResponse><returnval><entity type="HostSystem">host-9</entity>${values
      .map(
        (_, i) =>
          `<sampleInfo><timestamp>2026-11-23T10:0${i}:00Z</timestamp><interval>20</interval></sampleInfo>`,
      )
      .join('')}<value><id><counterId>2</counterId><instance></instance></id>${values
      .map((v) => `<value>${v}</value>`)
      .join('')}</value></returnval></QueryPerfResponse></Body></Envelope>`;
    const host = allEntities(inventory, 'vc1', 'telegraf').find((e) => e.kind === 'host')!;
    const entities = new Map<string, EntityOutput>([
      ['host-9', { tags: host.tags, fields: counterFields('host', COUNTERS, 'telegraf') }],
    ]);
    const written = QueryPerfParser.parse(xml, entities).lines.toString().split('\n').filter(Boolean);
    expect(written.map((line) => line.split(' ')[1])).toEqual(
      ['0', '0.05', '0.5', '1', '1.05', '10', '123.45', '0.07'].map((v) => `usage_average=${v}`),
    );
    expect(written.map((line) => Number(line.split(' ')[1].split('=')[1]))).toEqual(
      values.map((v) => Number(v) / 100),
    );
  });
});
