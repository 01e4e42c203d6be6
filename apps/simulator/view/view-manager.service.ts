import { Injectable } from '@nestjs/common';
import { refTo, type Inventory } from '../inventory/inventory.model';
import { InventoryService } from '../inventory/inventory.service';
import { ObjectDirectory, isA } from '../property-collector/object-directory.service';
import { BOOLEAN, MOREF, STRING, arrayOf, dataType, field } from '../property-collector/vim-types';
import type { CallContext, VimMethod, VimMethods } from '../sdk/vim-method';
import type { Session } from '../session/session';
import { boolArg, morefArg, type XmlNode } from '../soap/soap-request';
import { VimFault } from '../soap/vim-fault.error';
import { escapeXml } from '../soap/xml';

const CONTAINERS = ['Folder', 'Datacenter', 'ClusterComputeResource', 'ResourcePool', 'HostSystem'];

export interface ContainerView {
  container: string;
  types: string[];
  recursive: boolean;
  inventory: Inventory;
}

/**
 * The objects a ContainerView shows, computed when read (vCenter's views are live): the container's
 * children of the wanted types (all types when none), their descendants too when recursive, each once.
 */
function viewContents(view: ContainerView): string[] {
  const { inventory, types } = view;
  const shown: string[] = [];
  const seen = new Set<string>();
  const visit = (moref: string): void => {
    const record = inventory.get(moref);
    if (!record) return;
    for (const child of inventory.childrenOf(record)) {
      if (seen.has(child)) continue;
      seen.add(child);
      const kind = inventory.get(child)?.kind;
      if (kind && (!types.length || types.some((type) => isA(kind, type)))) shown.push(child);
      if (view.recursive) visit(child);
    }
  };
  visit(view.container);
  return shown;
}

const CONTAINER_VIEW = dataType<ContainerView>('ContainerView', [
  field('view', arrayOf(MOREF), (v) => viewContents(v).map(refTo)),
  field('container', MOREF, (v) => refTo(v.container)),
  field('type', arrayOf(STRING), (v) => v.types),
  field('recursive', BOOLEAN, (v) => v.recursive),
]);

/** ViewManager: session-scoped container views over the inventory. */
@Injectable()
export class ViewManagerService implements VimMethods {
  constructor(
    private readonly inventory: InventoryService,
    directory: ObjectDirectory,
  ) {
    const schema = dataType<Session | undefined>('ViewManager', [
      field('viewList', arrayOf(MOREF), (session) =>
        [...(session?.objects ?? [])]
          .filter(([, object]) => object.type === 'ContainerView')
          .map(([value]) => ({ type: 'ContainerView', value })),
      ),
    ]);
    directory.register('ViewManager', 'ViewManager', (session) => ({ schema, record: session }));
  }

  methods(): Record<string, VimMethod> {
    return {
      CreateContainerView: (args, call) => this.create(args, call),
      DestroyView: (_args, call) => {
        if (!call.session!.objects.delete(call.target.value))
          throw VimFault.managedObjectNotFound(call.target);
        return '';
      },
    };
  }

  private create(args: XmlNode, call: CallContext): string {
    const container = morefArg(args.child('container'), 'container');
    const record = this.inventory.inventory.get(container.value);
    if (!record || record.kind !== container.type) throw VimFault.managedObjectNotFound(container);
    if (!CONTAINERS.includes(record.kind)) throw VimFault.invalidArgument('container');
    const view: ContainerView = {
      container: container.value,
      types: args.all('type').map((node) => node.text),
      recursive: boolArg(args.child('recursive'), 'recursive') ?? false,
      inventory: this.inventory.inventory,
    };
    const moref = call.session!.newObjectMoref();
    call.session!.objects.set(moref, { type: 'ContainerView', schema: CONTAINER_VIEW, record: view });
    return `<returnval type="ContainerView">${escapeXml(moref)}</returnval>`;
  }
}
