import { boolArg, morefArg, type XmlNode } from '../soap/soap-request';
import type { Moref } from '../soap/xml';

/** PropertySpec: which properties to read from objects of a type (or subtype). */
export interface PropertySpec {
  type: string;
  all: boolean;
  pathSet: string[];
}

/** SelectionSpec: a reference by name to a TraversalSpec, or a TraversalSpec itself. */
export interface SelectionSpec {
  name?: string;
  traversal?: TraversalSpec;
}

/** TraversalSpec: from objects of `type`, follow the moref-valued property `path`. */
export interface TraversalSpec {
  name?: string;
  type: string;
  path: string;
  skip: boolean;
  selectSet: SelectionSpec[];
}

export interface ObjectSpec {
  obj: Moref;
  skip: boolean;
  selectSet: SelectionSpec[];
}

export interface PropertyFilterSpec {
  propSet: PropertySpec[];
  objectSet: ObjectSpec[];
  reportMissingObjectsInResults: boolean;
}

/** An object found by the traversal, with the property specs that apply to it. */
export interface ObjectToCollect {
  ref: Moref;
  propSet: PropertySpec[];
}

export function parseFilterSpec(node: XmlNode): PropertyFilterSpec {
  return {
    propSet: node.all('propSet').map((prop) => ({
      type: prop.value('type') ?? '',
      all: boolArg(prop.child('all'), 'specSet.propSet.all') ?? false,
      pathSet: prop.all('pathSet').map((path) => path.text),
    })),
    objectSet: node.all('objectSet').map((object) => ({
      obj: morefArg(object.child('obj'), 'specSet.objectSet.obj'),
      skip: boolArg(object.child('skip'), 'specSet.objectSet.skip') ?? false,
      selectSet: object.all('selectSet').map(parseSelectionSpec),
    })),
    reportMissingObjectsInResults:
      boolArg(node.child('reportMissingObjectsInResults'), 'specSet.reportMissingObjectsInResults') ?? false,
  };
}

function parseSelectionSpec(node: XmlNode): SelectionSpec {
  const name = node.value('name');
  // xsi:type says TraversalSpec; clients that leave it out still send a path.
  if (node.xsiType !== 'TraversalSpec' && !node.child('path')) return { name };
  return {
    name,
    traversal: {
      name,
      type: node.value('type') ?? '',
      path: node.value('path') ?? '',
      skip: boolArg(node.child('skip'), 'selectSet.skip') ?? false,
      selectSet: node.all('selectSet').map(parseSelectionSpec),
    },
  };
}
