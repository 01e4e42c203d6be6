import { IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';

export class FaultSettingsDto {
  /** Delay added to every SOAP call, in milliseconds. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(600_000)
  latencyMs?: number;

  /** Share of SOAP calls answered with a SystemError fault, 0 to 1. */
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  errorRate?: number;
}

export class RefuseConnectionsDto {
  @IsInt()
  @Min(1)
  @Max(3600)
  seconds: number;
}

export class InventoryChangesDto {
  @IsInt()
  @Min(1)
  @Max(1000)
  count: number;
}
