import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { AuthConfig } from '@vcc/config';
import { BearerAuthGuard } from './bearer-auth.guard';
import { BearerAuthHook } from './bearer-auth.hook';
import { TokenRegistry } from './token-registry';

/** Importing it puts BearerAuthHook and BearerAuthGuard in front of every route of the app. */
@Module({})
export class AuthModule {
  static forRoot(auth: AuthConfig): DynamicModule {
    return {
      module: AuthModule,
      providers: [
        { provide: TokenRegistry, useValue: new TokenRegistry(auth.tokens) },
        BearerAuthHook,
        { provide: APP_GUARD, useClass: BearerAuthGuard },
      ],
      exports: [TokenRegistry],
    };
  }

  constructor(registry: TokenRegistry) {
    const counts = registry.countByRole();
    const total = counts.admin + counts.collector + counts.reader + counts.uploader;
    const logger = new Logger('Auth');
    if (total === 0) logger.warn('auth.tokens is empty: every API route answers 401');
    else
      logger.log(
        `${total} bearer token(s): ${counts.admin} admin, ${counts.collector} collector, ${counts.reader} reader, ${counts.uploader} uploader`,
      );
  }
}
