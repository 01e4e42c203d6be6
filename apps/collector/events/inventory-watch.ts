import { Logger } from '@nestjs/common';
import type { EventHistoryCollector, MoRef, VsphereClient } from '@vcc/vsphere';
import { changedObjects, INVENTORY_CHANGE_EVENTS } from './inventory-changes';

/** Events can be committed a little after their createdTime; a new watch starts this much earlier. */
const START_MARGIN_MS = 60_000;

/**
 * Tells a collector which inventory objects vCenter reported changed since it last asked, through
 * an event history collector kept open on the inventory-changing events: when nothing happened, a
 * cycle costs one ReadNextEvents call. Every collector of a vCenter has its own, so each learns of
 * new and powered-on entities at its next cycle, whichever it owns.
 *
 * `changes` answers 'resync' when it may have missed events (the session logged in again, or a
 * read failed): the caller then reads the whole inventory and `start`s again. Where no collector can
 * be opened the watch stays off and the inventory falls back to its periodic refresh.
 */
export class InventoryWatch {
  private readonly logger = new Logger('InventoryWatch');
  private collector?: EventHistoryCollector;

  /** Opens the watch; call it just before a full inventory read, so that no change falls between. */
  async start(client: VsphereClient): Promise<void> {
    await this.close();
    try {
      const since = new Date((await client.currentTime()).getTime() - START_MARGIN_MS);
      this.collector = await client.openEventCollector({ since, types: [...INVENTORY_CHANGE_EVENTS] });
    } catch (error) {
      this.logger.warn(
        `cannot watch inventory events (${(error as Error).message}); new entities wait for the next inventory refresh`,
      );
    }
  }

  /** The objects to read again, 'resync' when changes may have been missed. */
  async changes(): Promise<MoRef[] | 'resync'> {
    const collector = this.collector;
    if (!collector) return [];
    if (!collector.valid) return 'resync';
    try {
      return changedObjects(await collector.readNext());
    } catch (error) {
      this.logger.warn(
        `reading inventory events failed (${(error as Error).message}); reading the inventory again`,
      );
      return 'resync';
    }
  }

  async close(): Promise<void> {
    const collector = this.collector;
    this.collector = undefined;
    await collector?.destroy();
  }
}
