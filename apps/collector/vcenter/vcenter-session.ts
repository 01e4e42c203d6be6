import { Logger } from '@nestjs/common';
import {
  VsphereClient,
  type Inventory,
  type LineSchema,
  type MoRef,
  type PerfCounterCatalog,
  type SessionObserver,
} from '@vcc/vsphere';
import type { VcenterConnection } from '../controller/controller.types';
import type { CollectEntity } from '../collection/entities';
import { LiveInventory } from '../collection/live-inventory';
import { InventoryWatch } from '../events/inventory-watch';

export interface VcenterSessionOptions {
  timeoutMs: number;
  inventoryTtlMs: number;
  maxObjects: number;
  /** The shape of the lines, which decides the entities' tags. */
  schema: LineSchema;
  observer: SessionObserver & { connectFailed?(error: unknown): void };
}

/** What a vCenter tells once per session: counters, query limit, realtime sample interval. */
export interface VcenterFacts {
  catalog: PerfCounterCatalog;
  maxQueryMetrics: number | null;
  /** vCenter's realtime refresh rate (20 s), read from QueryPerfProviderSummary. */
  sampleSeconds: number;
}

const DEFAULT_SAMPLE_SECONDS = 20;
/** Rounds of reading objects that changed objects newly refer to (a VM in a new folder in a new folder...). */
const MAX_REFERENCE_ROUNDS = 8;

/** The inventory as the collector uses it: entities with performance data, and when those appeared. */
export type SessionInventory = Inventory & {
  entities: CollectEntity[];
  /** Epoch seconds at which an entity appeared in this session's inventory after its first read. */
  appearedAt: ReadonlyMap<string, number>;
};

/**
 * One collector's connection to the vCenter it is assigned: the logged-in client, the inventory
 * (read whole on a TTL and whenever the epoch changes, and in between updated at every use with
 * the objects vCenter's events say changed) and the facts read once per session.
 */
export class VcenterSession {
  private readonly logger = new Logger('VcenterSession');
  private client?: VsphereClient;
  private connecting?: Promise<VsphereClient>;
  private facts?: VcenterFacts;
  private readonly live: LiveInventory;
  private readonly watch = new InventoryWatch();
  private fullRead?: { at: number; epoch: number };
  private updating?: Promise<void>;

  constructor(
    readonly connection: VcenterConnection,
    private readonly options: VcenterSessionOptions,
  ) {
    this.live = new LiveInventory(connection.name, options.schema);
  }

  /** Whether this session still matches the vCenter the controller assigns (credentials may change). */
  matches(connection: VcenterConnection): boolean {
    const a = this.connection;
    return (
      a.id === connection.id &&
      a.sdkUrl === connection.sdkUrl &&
      a.username === connection.username &&
      a.password === connection.password &&
      a.tls.insecure === connection.tls.insecure &&
      a.tls.caFile === connection.tls.caFile
    );
  }

  async vsphere(): Promise<VsphereClient> {
    if (this.client) return this.client;
    this.connecting ??= VsphereClient.connect({
      endpoint: {
        sdkUrl: this.connection.sdkUrl,
        insecure: this.connection.tls.insecure,
        caFile: this.connection.tls.caFile ?? undefined,
        timeoutMs: this.options.timeoutMs,
      },
      credentials: { username: this.connection.username, password: this.connection.password },
      session: { observer: this.options.observer },
    })
      .then((client) => {
        this.client = client;
        this.logger.log(
          `connected to ${this.connection.name} (${client.about.fullName}, API ${client.about.apiVersion})`,
        );
        return client;
      })
      .catch((error: unknown) => {
        this.options.observer.connectFailed?.(error);
        throw error;
      })
      .finally(() => {
        this.connecting = undefined;
      });
    return this.connecting;
  }

  async vcenterFacts(): Promise<VcenterFacts> {
    if (this.facts) return this.facts;
    const client = await this.vsphere();
    const [catalog, limit] = await Promise.all([
      client.performance.counterCatalog(),
      client.performance.queryLimit(),
    ]);
    let sampleSeconds = DEFAULT_SAMPLE_SECONDS;
    const { hosts } = await this.inventory(-1);
    if (hosts[0]) {
      const summary = await client.performance.providerSummary({ type: 'HostSystem', value: hosts[0].moref });
      sampleSeconds = summary.refreshRate ?? DEFAULT_SAMPLE_SECONDS;
    }
    this.logger.log(
      `${this.connection.name}: ${catalog.byKey.size} counters, maxQueryMetrics ${limit.maxQueryMetrics ?? 'unlimited'} (${limit.source}), realtime every ${sampleSeconds} s`,
    );
    this.facts = { catalog, maxQueryMetrics: limit.maxQueryMetrics, sampleSeconds };
    return this.facts;
  }

  /**
   * The inventory: read whole when older than the TTL or when the epoch changed (-1: any epoch),
   * otherwise updated with the objects changed since the last call.
   */
  async inventory(epoch: number): Promise<SessionInventory> {
    // Realtime and historical cycles and snapshots share one inventory: one update at a time.
    while (this.updating) await this.updating.catch(() => undefined);
    this.updating = this.update(epoch).finally(() => (this.updating = undefined));
    await this.updating;
    return { ...this.live.inventory, entities: this.live.entities, appearedAt: this.live.appearedAt };
  }

  private async update(epoch: number): Promise<void> {
    const client = await this.vsphere();
    const read = this.fullRead;
    if (
      read &&
      Date.now() - read.at < this.options.inventoryTtlMs &&
      (epoch === -1 || read.epoch === epoch)
    ) {
      const changed = await this.watch.changes();
      if (changed !== 'resync') {
        try {
          if (changed.length) await this.readAgain(client, changed);
          return;
        } catch (error) {
          // The events are consumed: only a full read still brings these changes in.
          this.logger.warn(
            `${this.connection.name}: reading changed inventory objects failed (${(error as Error).message}); reading the inventory whole`,
          );
        }
      }
    }
    // Until a full read succeeds, every call tries one.
    this.fullRead = undefined;
    const started = Date.now();
    await this.watch.start(client);
    this.live.replace(await client.inventoryObjects(this.options.maxObjects), Math.floor(Date.now() / 1000));
    this.fullRead = { at: Date.now(), epoch: epoch === -1 ? (read?.epoch ?? -1) : epoch };
    const { vms, hosts, clusters, datastores } = this.live.inventory;
    this.logger.log(
      `${this.connection.name}: inventory of ${vms.length} VMs, ${hosts.length} hosts, ${clusters.length} clusters, ${datastores.length} datastores in ${Date.now() - started} ms`,
    );
  }

  private async readAgain(client: VsphereClient, changed: MoRef[]): Promise<void> {
    const started = Date.now();
    let objects = 0;
    let refs = changed;
    for (let round = 0; refs.length > 0 && round < MAX_REFERENCE_ROUNDS; round++) {
      const fetched = await client.inventoryObjectsByRef(refs);
      objects += fetched.length;
      refs = this.live.update(refs, fetched, Math.floor(Date.now() / 1000));
    }
    this.logger.log(
      `${this.connection.name}: ${changed.length} changed inventory objects read again (${objects} found) in ${Date.now() - started} ms`,
    );
  }

  /** vCenter's clock in whole seconds: windows must not depend on the collector's own clock. */
  async now(): Promise<number> {
    return Math.floor((await (await this.vsphere()).currentTime()).getTime() / 1000);
  }

  async close(): Promise<void> {
    await this.watch.close();
    const client = this.client;
    this.client = undefined;
    await client?.close().catch(() => undefined);
  }
}
