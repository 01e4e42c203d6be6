import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AggregatorConfig, ConfigError, loadConfig } from '.';

function load(yaml: string): AggregatorConfig {
  const file = join(mkdtempSync(join(tmpdir(), 'vcc-chargeback-')), 'aggregator.yaml');
  writeFileSync(file, yaml);
  return loadConfig(AggregatorConfig, { file, env: {} });
}

function problemsOf(yaml: string): string[] {
  try {
    load(yaml);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('chargeback config', () => {
  it('defaults to UTC days, the four pools by name and no prices or filters', () => {
    const { chargeback } = loadConfig(AggregatorConfig, { env: {} });
    expect(chargeback.timeZone).toBe('UTC');
    expect(chargeback.pools).toEqual({
      tin: ['Tin'],
      bronze: ['Bronze'],
      silver: ['Silver'],
      gold: ['Gold'],
    });
    expect(chargeback.priceCards).toEqual([]);
    expect(chargeback.filters).toEqual({
      excludedTenants: [],
      perNodeClusters: [],
      srmActiveActiveVcenters: [],
    });
  });

  it('reads price cards with their defaults', () => {
    const { chargeback } = load(
      'chargeback:\n  priceCards:\n    - {name: gold, scope: pool, match: Gold, vcpuHour: 0.03}\n    - {name: base, ramGbHour: 0.01}\n',
    );
    expect(chargeback.priceCards.map((card) => ({ ...card }))).toEqual([
      {
        name: 'gold',
        scope: 'pool',
        match: 'Gold',
        vcpuHour: 0.03,
        ramGbHour: 0,
        diskGbMonth: 0,
        poweredOnOnly: false,
      },
      { name: 'base', scope: 'all', vcpuHour: 0, ramGbHour: 0.01, diskGbMonth: 0, poweredOnOnly: false },
    ]);
  });

  it('names every bad key', () => {
    const problems = problemsOf(
      [
        'chargeback:',
        '  timeZone: Mars/Olympus',
        '  pools: {gold: [""]}',
        '  priceCards:',
        '    - {name: a, scope: pool, match: platinum}',
        '    - {name: b, scope: cluster}',
        '    - {name: c, scope: region, vcpuHour: -1}',
        '  filters:',
        '    perNodeClusters: [{hostMonth: 10}]',
        '',
      ].join('\n'),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^chargeback\.timeZone/),
        expect.stringMatching(/^chargeback\.pools\.gold/),
        expect.stringMatching(
          /^chargeback\.priceCards\.0\.match: must name a pool \(tin, bronze, silver, gold\)/,
        ),
        expect.stringMatching(/^chargeback\.priceCards\.1\.match: is required unless scope is all/),
        expect.stringMatching(/^chargeback\.priceCards\.2\.scope/),
        expect.stringMatching(/^chargeback\.priceCards\.2\.vcpuHour/),
        expect.stringMatching(/^chargeback\.filters\.perNodeClusters\.0\.cluster/),
      ]),
    );
    expect(problems).toHaveLength(7);
  });
});
