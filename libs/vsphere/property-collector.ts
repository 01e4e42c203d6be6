import type { MoRef } from './soap/vim-decoder';
import { VimFaultError } from './soap/vim-fault.error';
import type { VimSession } from './session';

/** One object's properties as RetrievePropertiesEx returns them (vim.ObjectContent), typed. */
export interface ObjectContent {
  obj: MoRef;
  props: Record<string, unknown>;
  /** Properties vCenter could not read, with the fault type (e.g. NotAuthenticated, NoPermission). */
  missing: { path: string; fault: string }[];
}

export interface PropertySpec {
  type: string;
  pathSet: string[];
}

export interface ObjectSpec {
  obj: MoRef;
  skip?: boolean;
  /** TraversalSpecs, already in strong-soap form (see containerViewTraversal). */
  selectSet?: unknown[];
}

interface RawObjectContent {
  obj: MoRef;
  propSet?: { name: string; val: unknown }[];
  missingSet?: { path: string; fault?: { fault?: { _type?: string } } }[];
}

interface RawRetrieveResult {
  token?: string;
  objects?: RawObjectContent[];
}

/**
 * PropertyCollector.RetrievePropertiesEx / ContinueRetrievePropertiesEx: one filter spec, every
 * page until vCenter stops returning a token, never one call per object. `maxObjects` bounds each
 * page (vCenter may return fewer). Paging tokens belong to the session, so callers run this inside
 * `session.withRelogin` to start over after a re-login.
 */
export async function retrieveProperties(
  session: VimSession,
  propSet: PropertySpec[],
  objectSet: ObjectSpec[],
  maxObjects = 1000,
  options: { reportMissingObjectsInResults?: boolean } = {},
): Promise<ObjectContent[]> {
  const collector = session.serviceContent.propertyCollector;
  const specSet = [{ propSet, objectSet: objectSet.map(objectSpecArg), ...options }];
  const objects: ObjectContent[] = [];
  let page = await session.invoke<RawRetrieveResult | undefined>('RetrievePropertiesEx', collector, {
    specSet,
    options: { maxObjects },
  });
  for (;;) {
    objects.push(...(page?.objects ?? []).map(toObjectContent));
    if (!page?.token) break;
    page = await session.invoke<RawRetrieveResult>('ContinueRetrievePropertiesEx', collector, {
      token: page.token,
    });
  }
  assertAuthenticated(objects);
  return objects;
}

function objectSpecArg(spec: ObjectSpec): Record<string, unknown> {
  return {
    obj: { $attributes: { type: spec.obj.type }, $value: spec.obj.value },
    ...(spec.skip !== undefined ? { skip: spec.skip } : {}),
    ...(spec.selectSet ? { selectSet: spec.selectSet } : {}),
  };
}

function toObjectContent(raw: RawObjectContent): ObjectContent {
  const props: Record<string, unknown> = {};
  for (const prop of raw.propSet ?? []) props[prop.name] = prop.val;
  return {
    obj: raw.obj,
    props,
    missing: (raw.missingSet ?? []).map((m) => ({ path: m.path, fault: m.fault?.fault?._type ?? 'unknown' })),
  };
}

/**
 * An expired session can answer with HTTP 200 and every property in missingSet as NotAuthenticated
 * instead of a fault; treat that as the fault so the session logs in again.
 */
function assertAuthenticated(objects: ObjectContent[]): void {
  const missing = objects.flatMap((o) => o.missing);
  if (
    missing.length > 0 &&
    objects.every((o) => Object.keys(o.props).length === 0) &&
    missing.every((m) => m.fault === 'NotAuthenticated')
  ) {
    throw new VimFaultError(
      'NotAuthenticated',
      'every property came back NotAuthenticated (the session expired)',
    );
  }
}
