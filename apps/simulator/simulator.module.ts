import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { AdminController } from './admin/admin.controller';
import { AdminGuard } from './admin/admin.guard';
import { FaultsService } from './admin/faults.service';
import { EventManagerService } from './events/event-manager.service';
import { InventoryChangesService } from './events/inventory-changes.service';
import { InventoryService } from './inventory/inventory.service';
import { PerformanceManagerService } from './perf/performance-manager.service';
import { ObjectDirectory } from './property-collector/object-directory.service';
import { PropertyCollectorService } from './property-collector/property-collector.service';
import { OptionManagerService } from './sdk/option-manager.service';
import { SdkController } from './sdk/sdk.controller';
import { SdkService } from './sdk/sdk.service';
import { ServiceInstanceService } from './sdk/service-instance.service';
import { SessionManagerService } from './session/session-manager.service';
import { ViewManagerService } from './view/view-manager.service';

@Module({
  controllers: [SdkController, AdminController],
  providers: [
    AdminGuard,
    EventManagerService,
    FaultsService,
    InventoryChangesService,
    InventoryService,
    ObjectDirectory,
    OptionManagerService,
    PerformanceManagerService,
    PropertyCollectorService,
    SdkService,
    ServiceInstanceService,
    SessionManagerService,
    ViewManagerService,
  ],
})
export class SimulatorModule implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /** SOAP clients post text/xml (some application/soap+xml); the SDK endpoint reads it as a string. */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addContentTypeParser(
      ['text/xml', 'application/xml', 'application/soap+xml'],
      { parseAs: 'string' },
      (_request, body, done) => done(null, body),
    );
  }
}
