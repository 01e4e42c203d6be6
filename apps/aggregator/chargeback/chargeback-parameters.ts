import { CHARGEBACK_POOLS, type ChargebackConfig, type PriceCardScope } from '@vcc/config';

/** A price card as the SQL reads it (jsonb_to_recordset): the specificity rank and list order decide. */
export interface PriceCardRow {
  name: string;
  scope: PriceCardScope;
  /** Lower-cased vCenter name or id, or the cluster name; null for `all` and `pool`. */
  match: string | null;
  /** Pool id for scope `pool`. */
  pool: number | null;
  /** pool 4, cluster 3, vCenter 2, all 1: the most specific card that matches a VM wins. */
  rank: number;
  ord: number;
  vcpu_hour: number;
  ram_gb_hour: number;
  disk_gb_month: number;
  powered_on_only: boolean;
}

const RANK: Record<PriceCardScope, number> = { pool: 4, cluster: 3, vcenter: 2, all: 1 };

/** Pool id of a pool name (1 Tin … 4 Gold), matched case-insensitively; 0 when it names none. */
export function poolId(name: string): number {
  return CHARGEBACK_POOLS.indexOf(name.toLowerCase() as (typeof CHARGEBACK_POOLS)[number]) + 1;
}

export function priceCardRows(config: ChargebackConfig): PriceCardRow[] {
  return config.priceCards.map((card, ord) => ({
    name: card.name,
    scope: card.scope,
    match:
      card.scope === 'vcenter'
        ? (card.match ?? '').toLowerCase()
        : card.scope === 'cluster'
          ? (card.match ?? null)
          : null,
    pool: card.scope === 'pool' ? poolId(card.match ?? '') : null,
    rank: RANK[card.scope],
    ord,
    vcpu_hour: card.vcpuHour,
    ram_gb_hour: card.ramGbHour,
    disk_gb_month: card.diskGbMonth,
    powered_on_only: card.poweredOnOnly,
  }));
}

/** The configuration as the SQL statements take it. */
export interface ChargebackParameters {
  /** Patterns of each pool in pool id order (Tin … Gold). */
  pools: string[][];
  excludedTenants: string[];
  /** Lower-cased names or ids. */
  srmActiveActiveVcenters: string[];
  /** JSON of PriceCardRow[]. */
  priceCards: string;
  /** JSON of {cluster, host_month}[]. */
  perNodeClusters: string;
}

export function chargebackParameters(config: ChargebackConfig): ChargebackParameters {
  return {
    pools: CHARGEBACK_POOLS.map((pool) => config.pools[pool]),
    excludedTenants: config.filters.excludedTenants,
    srmActiveActiveVcenters: config.filters.srmActiveActiveVcenters.map((vcenter) => vcenter.toLowerCase()),
    priceCards: JSON.stringify(priceCardRows(config)),
    perNodeClusters: JSON.stringify(
      config.filters.perNodeClusters.map(({ cluster, hostMonth }) => ({ cluster, host_month: hostMonth })),
    ),
  };
}
