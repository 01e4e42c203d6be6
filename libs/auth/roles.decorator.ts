import { SetMetadata } from '@nestjs/common';
import type { TokenRole } from '@vcc/config';

export const ROLES_METADATA = 'vcc:roles';

/** The token roles allowed on a controller or handler; the handler's list wins over the class's. */
export const Roles = (...roles: TokenRole[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ROLES_METADATA, roles);
