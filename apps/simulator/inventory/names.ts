// Realistic names and sizes for the generated inventory. Only the order and contents of these lists
// decide what a seed produces, so change them knowing that inventories change with them.

export const CITIES: readonly [name: string, code: string][] = [
  ['Amsterdam', 'ams'],
  ['Frankfurt', 'fra'],
  ['London', 'lon'],
  ['Paris', 'par'],
  ['Dublin', 'dub'],
  ['Madrid', 'mad'],
  ['Milan', 'mil'],
  ['Stockholm', 'sto'],
  ['Warsaw', 'waw'],
  ['Zurich', 'zrh'],
  ['Vienna', 'vie'],
  ['Oslo', 'osl'],
];

export const TENANTS = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark'] as const;
export const ENVIRONMENTS = ['prod', 'prod', 'test', 'dev'] as const;
export const ROLES = ['web', 'app', 'db', 'cache', 'mq', 'lb', 'batch', 'ci', 'mon', 'file'] as const;

/** Resource pools of every cluster, cheapest first, with the share of VMs placed in each. */
export const POOLS: readonly [name: string, weight: number][] = [
  ['Tin', 15],
  ['Bronze', 35],
  ['Silver', 35],
  ['Gold', 15],
];

export const GUESTS: readonly [id: string, fullName: string, short: string][] = [
  ['rhel8_64Guest', 'Red Hat Enterprise Linux 8 (64-bit)', 'rhel8'],
  ['rhel7_64Guest', 'Red Hat Enterprise Linux 7 (64-bit)', 'rhel7'],
  ['ubuntu64Guest', 'Ubuntu Linux (64-bit)', 'ubuntu'],
  ['windows2019srv_64Guest', 'Microsoft Windows Server 2019 (64-bit)', 'win2019'],
  ['windows9Server64Guest', 'Microsoft Windows Server 2016 or later (64-bit)', 'win2016'],
  ['centos7_64Guest', 'CentOS 7 (64-bit)', 'centos7'],
  ['sles15_64Guest', 'SUSE Linux Enterprise 15 (64-bit)', 'sles15'],
  ['debian10_64Guest', 'Debian GNU/Linux 10 (64-bit)', 'debian10'],
];

export const VCPUS = [1, 2, 2, 2, 4, 4, 4, 8, 8, 16] as const;
export const MEMORY_GB = [2, 4, 4, 8, 8, 16, 16, 32, 64] as const;

export const HOST_MODELS: readonly [vendor: string, model: string][] = [
  ['Dell Inc.', 'PowerEdge R740'],
  ['HPE', 'ProLiant DL380 Gen10'],
  ['Lenovo', 'ThinkSystem SR650'],
];
export const HOST_CPUS: readonly [model: string, mhz: number, coresPerSocket: number][] = [
  ['Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz', 2500, 20],
  ['Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz', 2100, 20],
  ['Intel(R) Xeon(R) Gold 6154 CPU @ 3.00GHz', 3000, 18],
  ['AMD EPYC 7502 32-Core Processor', 2500, 32],
];
export const HOST_MEMORY_GB = [384, 512, 768, 1024] as const;
export const DATASTORE_TB = [8, 16, 24, 32, 48, 64] as const;
