import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

/** `:id` path parameters: a UUID, else 400 naming `id`. */
export class IdParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;
}
