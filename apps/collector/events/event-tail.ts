import { Logger } from '@nestjs/common';
import type { VcenterEvent } from '@vcc/vsphere';
import type { ControllerClient } from '../controller/controller.client';
import type { Assignment, EventRow } from '../controller/controller.types';
import type { VcenterSession } from '../vcenter/vcenter-session';

/** Events may be committed a little after their createdTime; re-read this much to not miss them. */
const OVERLAP_MS = 5 * 60_000;
/** ReadNextEvents returns at most 1000 events a call; batches to the controller are as large. */
const PAGE = 1000;
/** Events read in one run at most; the next run continues after the last one. */
const MAX_PER_RUN = 10 * PAGE;

/**
 * The collector holding group 0 of a vCenter tails its events: from the last key the controller
 * stored (when it takes group 0 over, after a restart too) or the last one it posted itself,
 * forward through the event history collector, sorted by key, in batches to the controller, which
 * ignores duplicate keys. The next holder continues from the stored key and its created time, so a
 * move of group 0 leaves no gap. With nothing stored yet, reading begins `streamBeginSeconds` ago.
 */
export class EventTail {
  private readonly logger = new Logger('EventTail');
  private lastKey: number | null = null;
  private readFrom = 0;
  private holding: string | null = null;

  constructor(
    private readonly controller: ControllerClient,
    private readonly streamBeginSeconds: number,
  ) {}

  async maybeTail(assignment: Assignment, session: VcenterSession): Promise<void> {
    if (!assignment.groupIndices.includes(0)) {
      this.holding = null;
      return;
    }
    try {
      if (this.holding !== assignment.vcenter.id) {
        const last = await this.controller.lastEvent(assignment.vcenter.id);
        this.lastKey = last.lastKey;
        this.readFrom =
          last.lastTime === null
            ? Date.now() - this.streamBeginSeconds * 1000
            : Date.parse(last.lastTime) - OVERLAP_MS;
        this.holding = assignment.vcenter.id;
        this.logger.log(
          `tailing ${assignment.vcenter.name} events after key ${this.lastKey ?? '(none yet)'}`,
        );
      }
      const client = await session.vsphere();
      const events = await client.readEvents({
        since: new Date(this.readFrom),
        ...(this.lastKey !== null ? { afterKey: this.lastKey } : {}),
        pageSize: PAGE,
        maxEvents: MAX_PER_RUN,
      });
      for (let at = 0; at < events.length; at += PAGE) {
        const batch = events.slice(at, at + PAGE);
        await this.controller.postEvents(assignment.vcenter.id, batch.map(toRow));
        this.lastKey = batch[batch.length - 1].key;
        this.readFrom = Math.max(this.readFrom, batch[batch.length - 1].createdTime.getTime() - OVERLAP_MS);
      }
      if (events.length) this.logger.log(`${events.length} events posted, up to key ${this.lastKey}`);
    } catch (error) {
      this.logger.warn(`event tail: ${(error as Error).message}`);
    }
  }
}

function toRow(event: VcenterEvent): EventRow {
  return {
    key: event.key,
    chainId: event.chainId,
    type: event.type,
    createdTime: event.createdTime.toISOString(),
    userName: event.userName || null,
    fullMessage: event.fullMessage || null,
    datacenter: event.datacenter,
    cluster: event.cluster,
    host: event.host,
    vm: event.vm,
    fields: JSON.parse(JSON.stringify(event.fields)) as Record<string, unknown>,
  };
}
