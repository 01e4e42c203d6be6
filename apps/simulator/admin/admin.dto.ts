import { FAULT_ERROR_KINDS, type FaultErrorKind } from '@vcc/config';
import { INVENTORY_CHANGES, type InventoryChange } from '../events/inventory-changes';
import { ArrayNotEmpty, IsIn, IsInt, IsNumber, IsOptional, IsString, Max, Min } from 'class-validator';

export class FaultSettingsDto {
  /** Delay added to every SOAP call, in milliseconds. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(600_000)
  latencyMs?: number;

  /** Share of SOAP calls that fail, 0 to 1, each with one of `errorKinds`. */
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  errorRate?: number;

  /** systemError (a SystemError fault), unavailable (HTTP 503), reset (the connection closed unanswered). */
  @IsOptional()
  @ArrayNotEmpty()
  @IsIn(FAULT_ERROR_KINDS, { each: true })
  errorKinds?: FaultErrorKind[];

  /** vim25 methods the errors apply to; empty: every method. */
  @IsOptional()
  @IsString({ each: true })
  errorMethods?: string[];
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

  /** Only this kind of change (none when no VM qualifies); by default a weighted random mix. */
  @IsOptional()
  @IsIn(INVENTORY_CHANGES)
  change?: InventoryChange;
}
