import { Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { BaseAppConfig } from './base-app.config';
import { Doc, Secret } from './config-key.decorator';
import { HttpConfig, HttpTlsConfig } from './sections';
import { realtimeSampleSeconds } from './time-scale';

export class SimulatorHttpTlsConfig extends HttpTlsConfig {
  @Doc(
    'when certFile is unset, serve HTTPS with a self-signed certificate generated at start, as a fresh vCenter does (pyVmomi needs HTTPS)',
  )
  @IsBoolean()
  selfSigned = false;
}

/** How the simulator's injected errors fail. */
export const FAULT_ERROR_KINDS = ['systemError', 'unavailable', 'reset'] as const;
export type FaultErrorKind = (typeof FAULT_ERROR_KINDS)[number];

class SimulatorHttpConfig extends HttpConfig {
  override port = 8989;
  // A QueryPerf for a thousand VMs is about 1 MB of SOAP; vCenter takes far larger requests.
  override bodyLimitBytes = 33_554_432;

  @Type(() => SimulatorHttpTlsConfig)
  @ValidateNested()
  override tls = new SimulatorHttpTlsConfig();
}

export class SimulatorSdkConfig {
  @Doc('user name that Login accepts (vcsim uses the same default)')
  @IsString()
  @MinLength(1)
  username = 'user';

  @Doc('password that Login accepts (default "pass", as vcsim)')
  @Secret()
  @IsString()
  @MinLength(1)
  password = 'pass';

  @Doc('seconds without a call after which a session expires (vCenter: 30 minutes)')
  @IsInt()
  @Min(1)
  sessionIdleTimeoutSeconds = 1800;

  @Doc(
    'config.vpxd.stats.maxQueryMetrics: entity×metric pairs a historical QueryPerf may ask for; -1 unlimited',
  )
  @IsInt()
  @Min(-1)
  maxQueryMetrics = 256;
}

export class SimulatorInventoryConfig {
  @Doc('seed of the generated inventory; the same seed and counts give the same inventory')
  @IsInt()
  @Min(0)
  seed = 1;

  @Doc('datacenters')
  @IsInt()
  @Min(1)
  @Max(100)
  datacenters = 1;

  @Doc('clusters per datacenter')
  @IsInt()
  @Min(1)
  @Max(1000)
  clustersPerDatacenter = 2;

  @Doc('hosts per cluster')
  @IsInt()
  @Min(1)
  @Max(1000)
  hostsPerCluster = 4;

  @Doc('VMs per host (templates included)')
  @IsInt()
  @Min(0)
  @Max(10000)
  vmsPerHost = 25;

  @Doc('datastores per cluster, shared by its hosts')
  @IsInt()
  @Min(1)
  @Max(100)
  datastoresPerCluster = 2;

  @Doc('share of the VMs that are powered off, in percent')
  @IsInt()
  @Min(0)
  @Max(100)
  poweredOffPercent = 10;

  @Doc('share of the VMs that are templates, in percent')
  @IsInt()
  @Min(0)
  @Max(100)
  templatePercent = 2;

  @Doc(
    'share of the VMs that are Site Recovery Manager placeholders (powered off; config.managedBy com.vmware.vcDr, placeholderVm), in percent',
  )
  @IsInt()
  @Min(0)
  @Max(100)
  srmPlaceholderPercent = 3;

  @Doc(
    'share of the other VMs (not templates) that vCloud Director manages (config.managedBy com.vmware.vcloud, its id in the cloud.uuid advanced setting), in percent',
  )
  @IsInt()
  @Min(0)
  @Max(100)
  vcloudPercent = 10;
}

export class SimulatorPerfConfig {
  @Doc(
    'realtime sample interval of VMs and hosts in seconds (QueryPerfProviderSummary.refreshRate); the default is divided by VCC_TEST_TIME_SCALE',
  )
  @IsInt()
  @Min(1)
  realtimeIntervalSeconds = realtimeSampleSeconds();

  @Doc('how long realtime samples are kept, in seconds (vCenter: one hour)')
  @IsInt()
  @Min(1)
  realtimeRetentionSeconds = 3600;

  @Doc('historical sample interval in seconds, for every entity (vCenter: 300)')
  @IsInt()
  @Min(1)
  historicalIntervalSeconds = 300;

  @Doc('how long historical samples are kept, in seconds (vCenter: one day at 300 s)')
  @IsInt()
  @Min(1)
  historicalRetentionSeconds = 86_400;
}

export class SimulatorEventsConfig {
  @Doc(
    'seconds between inventory changes (VM created, powered on/off, reconfigured, migrated, moved, removed); 0 turns them off',
  )
  @IsNumber()
  @Min(0)
  intervalSeconds = 30;
}

export class SimulatorFaultsConfig {
  @Doc('delay added to every SOAP call, in milliseconds (also settable through the admin API)')
  @IsInt()
  @Min(0)
  latencyMs = 0;

  @Doc(
    'share of SOAP calls that fail, 0 to 1, each with one of errorKinds drawn at random (also settable through the admin API)',
  )
  @IsNumber()
  @Min(0)
  @Max(1)
  errorRate = 0;

  @Doc(
    'how injected errors fail: systemError (a SystemError fault), unavailable (HTTP 503 without a SOAP body, as a proxy in front of vCenter), reset (the connection closed without an answer)',
  )
  @IsIn(FAULT_ERROR_KINDS, { each: true })
  @ArrayNotEmpty()
  errorKinds: FaultErrorKind[] = ['systemError'];

  @Doc('vim25 methods the injected errors apply to (e.g. QueryPerf); empty: every method')
  @IsString({ each: true })
  errorMethods: string[] = [];
}

export class SimulatorAdminConfig {
  @Doc('bearer token of the admin API (/admin/*); the admin API is off when unset')
  @Secret()
  @IsOptional()
  @IsString()
  @MinLength(16)
  token?: string;
}

export class SimulatorConfig extends BaseAppConfig {
  @Type(() => SimulatorHttpConfig)
  @ValidateNested()
  http = new SimulatorHttpConfig();

  @Type(() => SimulatorSdkConfig)
  @ValidateNested()
  sdk = new SimulatorSdkConfig();

  @Type(() => SimulatorInventoryConfig)
  @ValidateNested()
  inventory = new SimulatorInventoryConfig();

  @Type(() => SimulatorPerfConfig)
  @ValidateNested()
  perf = new SimulatorPerfConfig();

  @Type(() => SimulatorEventsConfig)
  @ValidateNested()
  events = new SimulatorEventsConfig();

  @Type(() => SimulatorFaultsConfig)
  @ValidateNested()
  faults = new SimulatorFaultsConfig();

  @Type(() => SimulatorAdminConfig)
  @ValidateNested()
  admin = new SimulatorAdminConfig();
}
