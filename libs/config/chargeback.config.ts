import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNumber,
  IsString,
  IsTimeZone,
  Matches,
  MaxLength,
  Min,
  MinLength,
  registerDecorator,
  ValidateNested,
} from 'class-validator';
import { Doc } from './config-key.decorator';

/**
 * The chargeback pools in their id order: a VM's pool id is its index here plus one (0: none). The
 * first pool whose patterns match a resource pool name wins.
 */
export const CHARGEBACK_POOLS = ['tin', 'bronze', 'silver', 'gold'] as const;
export type ChargebackPool = (typeof CHARGEBACK_POOLS)[number];

const PATTERN_MESSAGE =
  'must be 1 to 256 characters, a pattern as SQL ILIKE reads it (% any run, _ one character)';

/** Resource pool name patterns of each pool, matched case-insensitively with SQL ILIKE. */
export class ChargebackPoolsConfig implements Record<ChargebackPool, string[]> {
  @Doc('resource pool name patterns (SQL ILIKE: % any run of characters, _ one) of the Tin pool')
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  @MinLength(1, { each: true, message: PATTERN_MESSAGE })
  @MaxLength(256, { each: true, message: PATTERN_MESSAGE })
  tin = ['Tin'];

  @Doc('resource pool name patterns of the Bronze pool')
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  @MinLength(1, { each: true, message: PATTERN_MESSAGE })
  @MaxLength(256, { each: true, message: PATTERN_MESSAGE })
  bronze = ['Bronze'];

  @Doc('resource pool name patterns of the Silver pool')
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  @MinLength(1, { each: true, message: PATTERN_MESSAGE })
  @MaxLength(256, { each: true, message: PATTERN_MESSAGE })
  silver = ['Silver'];

  @Doc('resource pool name patterns of the Gold pool')
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  @MinLength(1, { each: true, message: PATTERN_MESSAGE })
  @MaxLength(256, { each: true, message: PATTERN_MESSAGE })
  gold = ['Gold'];
}

/** What is wrong with a price card's `match` for its scope, or undefined. */
function priceCardMatchProblem(card: PriceCardConfig): string | undefined {
  // An unknown scope is its own problem.
  if (card.scope === 'all' || !PRICE_CARD_SCOPES.includes(card.scope)) return undefined;
  if (typeof card.match !== 'string' || card.match.length < 1 || card.match.length > 256)
    return 'is required unless scope is all: 1 to 256 characters';
  if (card.scope === 'pool' && !CHARGEBACK_POOLS.includes(card.match.toLowerCase() as ChargebackPool))
    return `must name a pool (${CHARGEBACK_POOLS.join(', ')}) when scope is pool`;
  return undefined;
}

function IsPriceCardMatch(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isPriceCardMatch',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (_value: unknown, args) =>
          priceCardMatchProblem(args!.object as PriceCardConfig) === undefined,
        defaultMessage: (args) => priceCardMatchProblem(args!.object as PriceCardConfig) ?? '',
      },
    });
}

export const PRICE_CARD_SCOPES = ['all', 'vcenter', 'cluster', 'pool'] as const;
export type PriceCardScope = (typeof PRICE_CARD_SCOPES)[number];

/**
 * Rates charged to the VMs a card covers. A VM takes the most specific card that matches it:
 * pool, then cluster, then vCenter, then `all`; the first listed among equals.
 */
export class PriceCardConfig {
  @Matches(/^[A-Za-z0-9 ._-]{1,64}$/, {
    message: 'must be 1 to 64 letters, digits, spaces, dots, dashes or underscores',
  })
  name: string;

  @IsIn(PRICE_CARD_SCOPES)
  scope: PriceCardScope = 'all';

  /** vCenter name or id, cluster name, or pool (tin, bronze, silver, gold); unused for `all`. */
  @IsPriceCardMatch()
  match?: string;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  vcpuHour = 0;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  ramGbHour = 0;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  diskGbMonth = 0;

  /** vCPU and RAM charged only while the VM is powered on; disk is held, so charged, either way. */
  @IsBoolean()
  poweredOnOnly = false;
}

/** A cluster whose hosts are charged per host instead of its VMs. */
export class PerNodeClusterConfig {
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  cluster: string;

  /** Price of one host for a whole month, prorated by the hours the host was seen. */
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  hostMonth = 0;
}

export class ChargebackFiltersConfig {
  @Doc(
    'tenants left out of chargeback, as SQL ILIKE patterns; a tenant is the first folder of the VM folder path ("tenant-a" of "tenant-a/prod"; VMs at the top have none)',
  )
  @IsArray()
  @ArrayMaxSize(256)
  @IsString({ each: true })
  @MinLength(1, { each: true, message: PATTERN_MESSAGE })
  @MaxLength(256, { each: true, message: PATTERN_MESSAGE })
  excludedTenants: string[] = [];

  @Doc(
    'clusters charged per node, a list of {cluster, hostMonth}: their hosts cost hostMonth a month each and their VMs nothing',
  )
  @IsArray()
  @ArrayMaxSize(1024)
  @Type(() => PerNodeClusterConfig)
  @ValidateNested({ each: true })
  perNodeClusters: PerNodeClusterConfig[] = [];

  @Doc(
    'vCenters (names or ids) run active-active with Site Recovery Manager, whose placeholder VMs are charged; elsewhere placeholders are left out',
  )
  @IsArray()
  @ArrayMaxSize(1024)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  srmActiveActiveVcenters: string[] = [];
}

export class ChargebackConfig {
  @Doc('IANA time zone whose calendar days and months the summaries cover')
  @IsTimeZone()
  timeZone = 'UTC';

  @Type(() => ChargebackPoolsConfig)
  @ValidateNested()
  pools = new ChargebackPoolsConfig();

  @Doc(
    'price cards, a list of {name, scope (all, vcenter, cluster or pool), match, vcpuHour, ramGbHour, diskGbMonth, poweredOnOnly}; a VM takes the most specific matching card (pool, cluster, vCenter, all); none: cost 0',
  )
  @IsArray()
  @ArrayMaxSize(1024)
  @Type(() => PriceCardConfig)
  @ValidateNested({ each: true })
  priceCards: PriceCardConfig[] = [];

  @Type(() => ChargebackFiltersConfig)
  @ValidateNested()
  filters = new ChargebackFiltersConfig();
}
