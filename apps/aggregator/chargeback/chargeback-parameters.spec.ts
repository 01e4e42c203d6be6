import { ChargebackConfig, PerNodeClusterConfig, PriceCardConfig } from '@vcc/config';
import { chargebackParameters, poolId, priceCardRows } from './chargeback-parameters';

describe('chargeback parameters', () => {
  it('numbers the pools 1 to 4 in any case, 0 for none', () => {
    expect(['Tin', 'BRONZE', 'silver', 'Gold', 'platinum'].map(poolId)).toEqual([1, 2, 3, 4, 0]);
  });

  it('ranks price cards by specificity and keeps their order among equals', () => {
    const config = new ChargebackConfig();
    config.priceCards = [
      Object.assign(new PriceCardConfig(), { name: 'all', vcpuHour: 1 }),
      Object.assign(new PriceCardConfig(), { name: 'vc', scope: 'vcenter', match: 'VC-A' }),
      Object.assign(new PriceCardConfig(), { name: 'cl', scope: 'cluster', match: 'Prod' }),
      Object.assign(new PriceCardConfig(), {
        name: 'gold',
        scope: 'pool',
        match: 'GOLD',
        poweredOnOnly: true,
      }),
    ];
    expect(
      priceCardRows(config).map(({ name, match, pool, rank, ord }) => ({ name, match, pool, rank, ord })),
    ).toEqual([
      { name: 'all', match: null, pool: null, rank: 1, ord: 0 },
      // vCenters match by lower-cased name or id; clusters by their exact name.
      { name: 'vc', match: 'vc-a', pool: null, rank: 2, ord: 1 },
      { name: 'cl', match: 'Prod', pool: null, rank: 3, ord: 2 },
      { name: 'gold', match: null, pool: 4, rank: 4, ord: 3 },
    ]);
  });

  it('passes patterns, filters and per-node clusters as the SQL reads them', () => {
    const config = new ChargebackConfig();
    config.pools.gold = ['Gold', 'gold-%'];
    config.filters.srmActiveActiveVcenters = ['VC-B'];
    config.filters.perNodeClusters = [
      Object.assign(new PerNodeClusterConfig(), { cluster: 'dedicated', hostMonth: 500 }),
    ];
    const parameters = chargebackParameters(config);
    expect(parameters.pools).toEqual([['Tin'], ['Bronze'], ['Silver'], ['Gold', 'gold-%']]);
    expect(parameters.srmActiveActiveVcenters).toEqual(['vc-b']);
    expect(JSON.parse(parameters.perNodeClusters)).toEqual([{ cluster: 'dedicated', host_month: 500 }]);
  });
});
