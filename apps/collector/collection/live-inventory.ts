import {
  buildInventory,
  type Inventory,
  type LineSchema,
  type MoRef,
  type ObjectContent,
} from '@vcc/vsphere';
import { allEntities, type CollectEntity } from './entities';

/** Properties that name another inventory object the inventory needs to resolve names and paths. */
const REFERENCES = ['parent', 'resourcePool', 'runtime.host', 'owner', 'vmFolder', 'hostFolder'];

/**
 * The inventory a collector keeps between full reads: the objects of the last full read, updated
 * with the objects read again after vCenter reported changes, and when each entity with
 * performance data appeared in it (none for the first read: this collector cannot tell).
 */
export class LiveInventory {
  private readonly objectsByMoref = new Map<string, ObjectContent>();
  /** Epoch seconds at which an entity appeared after the first read. */
  private readonly appearedAtByMoref = new Map<string, number>();
  private built?: { inventory: Inventory; entities: CollectEntity[] };

  constructor(
    private readonly vcenter: string,
    private readonly schema: LineSchema,
  ) {}

  /** Replaces every object with those of a full read. */
  replace(objects: readonly ObjectContent[], nowSeconds: number): void {
    this.objectsByMoref.clear();
    for (const object of objects) this.put(object);
    this.rebuild(nowSeconds);
  }

  /**
   * Applies the objects read again for `requested`: those returned replace the kept ones, those
   * not returned no longer exist. Returns the objects they refer to that are not kept yet (a new
   * folder, resource pool or host), to be read next.
   */
  update(requested: readonly MoRef[], fetched: readonly ObjectContent[], nowSeconds: number): MoRef[] {
    for (const ref of requested) this.objectsByMoref.delete(ref.value);
    for (const object of fetched) this.put(object);
    const unknown = new Map<string, MoRef>();
    for (const object of fetched)
      for (const property of REFERENCES) {
        const ref = object.props[property] as MoRef | undefined;
        if (ref?.value && !this.objectsByMoref.has(ref.value)) unknown.set(ref.value, ref);
      }
    this.rebuild(nowSeconds);
    return [...unknown.values()];
  }

  get inventory(): Inventory {
    return this.built!.inventory;
  }

  get entities(): CollectEntity[] {
    return this.built!.entities;
  }

  get appearedAt(): ReadonlyMap<string, number> {
    return this.appearedAtByMoref;
  }

  private put(object: ObjectContent): void {
    const kept = this.objectsByMoref.get(object.obj.value);
    // A cluster can come back once per matching property spec (ComputeResource and its own).
    if (kept) Object.assign(kept.props, object.props);
    else this.objectsByMoref.set(object.obj.value, { ...object, props: { ...object.props } });
  }

  private rebuild(nowSeconds: number): void {
    const before = this.built ? new Set(this.built.entities.map((e) => e.moref)) : undefined;
    const inventory = buildInventory([...this.objectsByMoref.values()]);
    const entities = allEntities(inventory, this.vcenter, this.schema);
    const now = new Set(entities.map((e) => e.moref));
    for (const moref of this.appearedAtByMoref.keys())
      if (!now.has(moref)) this.appearedAtByMoref.delete(moref);
    if (before)
      for (const moref of now) if (!before.has(moref)) this.appearedAtByMoref.set(moref, nowSeconds);
    this.built = { inventory, entities };
  }
}
