import { Injectable } from '@nestjs/common';
import type { CallContext, VimMethod, VimMethods } from '../sdk/vim-method';
import type { Session, SessionObject } from '../session/session';
import { intArg, type XmlNode } from '../soap/soap-request';
import { VimFault } from '../soap/vim-fault.error';
import { morefXml, type Moref } from '../soap/xml';
import { ObjectDirectory, isA } from './object-directory.service';
import {
  parseFilterSpec,
  type ObjectToCollect,
  type PropertyFilterSpec,
  type PropertySpec,
  type SelectionSpec,
  type TraversalSpec,
} from './property-spec';
import { MISSING, compilePath, type DataType, type PropertyPath } from './vim-types';

// What vCenter puts in missingSet when a property cannot be read because one on its path is unset.
const UNREADABLE =
  '<fault><fault xsi:type="SystemError"><reason>unexpected error reading property</reason></fault><localizedMessage></localizedMessage></fault>';

/**
 * PropertyCollector: RetrievePropertiesEx with vCenter's traversal (ObjectSpec, TraversalSpec and
 * named SelectionSpecs over any moref-valued property, ContainerView.view included), paging by
 * maxObjects with ContinueRetrievePropertiesEx, and missingSet for properties behind unset ones.
 */
@Injectable()
export class PropertyCollectorService implements VimMethods {
  private readonly paths = new Map<string, PropertyPath | undefined>();

  constructor(private readonly directory: ObjectDirectory) {}

  methods(): Record<string, VimMethod> {
    return {
      RetrievePropertiesEx: (args, call) => this.retrievePropertiesEx(args, call),
      ContinueRetrievePropertiesEx: (args, call) => this.continueRetrieve(args, call),
      CancelRetrievePropertiesEx: (args, call) => {
        call.session!.retrievals.cancel(args.value('token') ?? '');
        return '';
      },
      RetrieveProperties: (args, call) =>
        this.collect(args, call.session!)
          .map((item) => this.objectContent('returnval', item, call.session!))
          .join(''),
    };
  }

  private retrievePropertiesEx(args: XmlNode, call: CallContext): string {
    const found = this.collect(args, call.session!);
    const maxObjects = intArg(args.child('options')?.child('maxObjects'), 'options.maxObjects');
    if (maxObjects !== undefined && maxObjects < 0) throw VimFault.invalidArgument('options.maxObjects');
    return this.result(call.session!.retrievals.first(found, maxObjects), call.session!);
  }

  private continueRetrieve(args: XmlNode, call: CallContext): string {
    const next = call.session!.retrievals.next(args.value('token') ?? '');
    if (!next) throw VimFault.invalidArgument('token');
    return this.result(next, call.session!);
  }

  private result({ page, token }: { page: ObjectToCollect[]; token?: string }, session: Session): string {
    let objects = '';
    for (const item of page) objects += this.objectContent('objects', item, session);
    if (!objects && !token) return '';
    return `<returnval>${token ? `<token>${token}</token>` : ''}${objects}</returnval>`;
  }

  /** The objects the filter specs select, each once, in traversal order, with the specs that apply. */
  private collect(args: XmlNode, session: Session): ObjectToCollect[] {
    const specs = args.all('specSet').map(parseFilterSpec);
    const found = new Map<string, ObjectToCollect>();
    for (const spec of specs) {
      const named = namedTraversals(spec);
      const visited = new Map<TraversalSpec, Set<string>>();
      const add = (ref: Moref, object: SessionObject): void => {
        const propSet = spec.propSet.filter((prop) => isA(object.type, prop.type));
        for (const prop of propSet) this.checkPaths(object.schema, prop);
        if (!propSet.length) return;
        const existing = found.get(ref.value);
        if (existing) existing.propSet = [...new Set([...existing.propSet, ...propSet])];
        else found.set(ref.value, { ref, propSet });
      };
      const follow = (object: SessionObject, selectSet: SelectionSpec[]): void => {
        for (const selection of selectSet) {
          const traversal = selection.traversal ?? named.get(selection.name ?? '');
          if (!traversal) throw VimFault.invalidArgument('selectSet');
          if (!isA(object.type, traversal.type)) continue;
          for (const ref of this.references(object, traversal.path)) {
            const seen = visited.get(traversal) ?? new Set<string>();
            visited.set(traversal, seen);
            if (seen.has(ref.value)) continue;
            seen.add(ref.value);
            const next = this.directory.resolve(ref, session);
            if (!next) continue;
            if (!traversal.skip) add(ref, next);
            follow(next, traversal.selectSet);
          }
        }
      };
      for (const objectSpec of spec.objectSet) {
        const object = this.directory.resolve(objectSpec.obj, session);
        if (!object) {
          if (!spec.reportMissingObjectsInResults) throw VimFault.managedObjectNotFound(objectSpec.obj);
          continue;
        }
        if (!objectSpec.skip) add(objectSpec.obj, object);
        follow(object, objectSpec.selectSet);
      }
    }
    return [...found.values()];
  }

  /** The morefs a traversal path leads to from an object. */
  private references(object: SessionObject, path: string): Moref[] {
    const property = this.path(object.schema, path);
    if (!property) throw VimFault.invalidProperty(path);
    const value = property.read(object.record);
    if (value === undefined || value === MISSING) return [];
    return Array.isArray(value) ? (value as Moref[]) : [value as Moref];
  }

  private checkPaths(schema: DataType, prop: PropertySpec): void {
    for (const path of prop.pathSet) if (!this.path(schema, path)) throw VimFault.invalidProperty(path);
  }

  private path(schema: DataType, path: string): PropertyPath | undefined {
    const key = `${schema.name}|${path}`;
    if (!this.paths.has(key)) this.paths.set(key, compilePath(schema, path));
    return this.paths.get(key);
  }

  /** ObjectContent for one object; empty when the object has gone since a paged retrieval started. */
  private objectContent(tag: string, item: ObjectToCollect, session: Session): string {
    const object = this.directory.resolve(item.ref, session);
    if (!object) return '';
    const paths = new Set<string>();
    for (const prop of item.propSet) {
      if (prop.all) for (const f of object.schema.fields) paths.add(f.name);
      else for (const path of prop.pathSet) paths.add(path);
    }
    let props = '';
    let missing = '';
    for (const path of paths) {
      const property = this.path(object.schema, path)!;
      const value = property.read(object.record);
      if (value === MISSING) missing += `<missingSet><path>${path}</path>${UNREADABLE}</missingSet>`;
      else if (value !== undefined)
        props += `<propSet><name>${path}</name>${property.write(value)}</propSet>`;
    }
    return `<${tag}>${morefXml('obj', item.ref)}${props}${missing}</${tag}>`;
  }
}

function namedTraversals(spec: PropertyFilterSpec): Map<string, TraversalSpec> {
  const named = new Map<string, TraversalSpec>();
  const visit = (selectSet: SelectionSpec[]): void => {
    for (const selection of selectSet) {
      const traversal = selection.traversal;
      if (!traversal || (traversal.name && named.has(traversal.name))) continue;
      if (traversal.name) named.set(traversal.name, traversal);
      visit(traversal.selectSet);
    }
  };
  for (const object of spec.objectSet) visit(object.selectSet);
  return named;
}
