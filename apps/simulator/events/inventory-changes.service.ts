import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SimulatorConfig } from '@vcc/config';
import { InventoryService } from '../inventory/inventory.service';
import { SeededRandom } from '../inventory/random';
import { EventManagerService } from './event-manager.service';
import type { VimEvent } from './event-log';
import { InventoryChanger, type InventoryChange } from './inventory-changes';

/** Changes the inventory every events.intervalSeconds (and on demand through the admin API). */
@Injectable()
export class InventoryChangesService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('InventoryChanges');
  private readonly changer: InventoryChanger;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly config: SimulatorConfig,
    inventory: InventoryService,
    events: EventManagerService,
  ) {
    // Its own sequence, so that changes do not shift what the inventory seed generates.
    this.changer = new InventoryChanger(
      inventory.inventory,
      events.log,
      new SeededRandom(config.inventory.seed ^ 0x5eed),
    );
  }

  onApplicationBootstrap(): void {
    const seconds = this.config.events.intervalSeconds;
    if (seconds > 0) this.timer = setInterval(() => this.apply(1), seconds * 1000).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Applies `count` changes now (of kind `only`, else as they come); returns the events they posted. */
  apply(count: number, only?: InventoryChange): VimEvent[] {
    const posted: VimEvent[] = [];
    for (let i = 0; i < count; i++) posted.push(...this.changer.step(Date.now(), only));
    for (const event of posted) this.logger.debug(`event ${event.key}: ${event.type} ${event.vm}`);
    const byType = new Map<string, number>();
    for (const event of posted) byType.set(event.type, (byType.get(event.type) ?? 0) + 1);
    this.logger.log(
      `${count} inventory change(s): ${[...byType].map(([type, n]) => `${n} ${type}`).join(', ')}`,
    );
    return posted;
  }
}
