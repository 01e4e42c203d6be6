import { Body, Controller, Get, HttpCode, Post, Put, UseGuards } from '@nestjs/common';
import { InventoryChangesService } from '../events/inventory-changes.service';
import { SessionManagerService } from '../session/session-manager.service';
import { AdminGuard } from './admin.guard';
import { FaultSettingsDto, InventoryChangesDto, RefuseConnectionsDto } from './admin.dto';
import { FaultsService } from './faults.service';

/** Fault injection and inventory changes on demand, for tests and demos. */
@Controller('admin')
@UseGuards(AdminGuard)
export class AdminController {
  constructor(
    private readonly faults: FaultsService,
    private readonly sessions: SessionManagerService,
    private readonly changes: InventoryChangesService,
  ) {}

  @Get('faults')
  current() {
    return this.faults.current;
  }

  @Put('faults')
  update(@Body() settings: FaultSettingsDto) {
    return this.faults.update(settings);
  }

  @Post('sessions/expire')
  @HttpCode(200)
  expireSessions() {
    return { expired: this.sessions.expireAll() };
  }

  @Post('refuse-connections')
  @HttpCode(202)
  refuseConnections(@Body() body: RefuseConnectionsDto) {
    return this.faults.refuseConnections(body.seconds);
  }

  @Post('inventory-changes')
  @HttpCode(200)
  applyChanges(@Body() body: InventoryChangesDto) {
    return {
      events: this.changes.apply(body.count, body.change).map(({ key, type, vm }) => ({ key, type, vm })),
    };
  }
}
