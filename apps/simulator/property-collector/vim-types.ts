import { dateTimeXml, escapeXml, morefXml, type Moref } from '../soap/xml';

/**
 * Descriptions of vim25 types, just enough to serialize property values as vCenter does: data
 * objects with their fields in WSDL order, xsi:type where the declared type is anyType (property
 * values) or where the actual type differs from the declared one (VirtualDisk in a VirtualDevice
 * field), ArrayOfX wrappers for array-valued properties, and pre-serialized values (events).
 */
export type Xsd = 'xsd:string' | 'xsd:int' | 'xsd:long' | 'xsd:short' | 'xsd:boolean' | 'xsd:dateTime';

export type VimType =
  | { kind: 'leaf'; xsd: Xsd }
  | { kind: 'enum'; name: string }
  | { kind: 'moref' }
  | DataType
  | { kind: 'array'; of: VimType | ((item: never) => VimType); itemName: string }
  | { kind: 'xml'; name: string }
  | { kind: 'any'; of: VimType };

export interface DataType {
  kind: 'data';
  name: string;
  fields: VimField[];
}

export interface VimField {
  name: string;
  type: VimType | ((value: never) => VimType);
  /** The WSDL-declared type of a polymorphic field; the value's own type name is written as xsi:type when it differs. */
  declared?: string;
  get(owner: never): unknown;
}

/** A value serialized ahead of time (events): its concrete type and its fields' XML. */
export interface XmlValue {
  type: string;
  xml: string;
}

export const STRING: VimType = { kind: 'leaf', xsd: 'xsd:string' };
export const INT: VimType = { kind: 'leaf', xsd: 'xsd:int' };
export const LONG: VimType = { kind: 'leaf', xsd: 'xsd:long' };
export const SHORT: VimType = { kind: 'leaf', xsd: 'xsd:short' };
export const BOOLEAN: VimType = { kind: 'leaf', xsd: 'xsd:boolean' };
export const DATE_TIME: VimType = { kind: 'leaf', xsd: 'xsd:dateTime' };
export const MOREF: VimType = { kind: 'moref' };

export const enumType = (name: string): VimType => ({ kind: 'enum', name });
/** A field declared xsd:anyType (OptionValue.value): its value always carries xsi:type. */
export const anyType = (of: VimType): VimType => ({ kind: 'any', of });

/** OptionValue over a [key, value] pair: advanced settings (OptionManager, config.extraConfig). */
export type OptionPair = [key: string, value: string];

export function dataType<T>(name: string, fields: Field<T>[]): DataType {
  return { kind: 'data', name, fields: fields as VimField[] };
}

export interface Field<T> {
  name: string;
  type: VimType | ((value: never) => VimType);
  declared?: string;
  get(owner: T): unknown;
}

export function field<T>(
  name: string,
  type: VimType | ((value: never) => VimType),
  get: (owner: T) => unknown,
  declared?: string,
): Field<T> {
  return { name, type, get, declared };
}

export const OPTION_VALUE: DataType = dataType<OptionPair>('OptionValue', [
  field('key', STRING, ([key]) => key),
  field('value', anyType(STRING), ([, value]) => value),
]);

/** An array: ArrayOf<itemName> as a property value, repeated elements inside a data object. */
export function arrayOf(of: VimType | ((item: never) => VimType), itemName?: string): VimType {
  return { kind: 'array', of, itemName: itemName ?? (typeof of === 'function' ? 'Object' : typeName(of)) };
}

function typeName(type: VimType): string {
  switch (type.kind) {
    case 'leaf':
      return (
        {
          'xsd:string': 'String',
          'xsd:int': 'Int',
          'xsd:long': 'Long',
          'xsd:short': 'Short',
          'xsd:boolean': 'Boolean',
          'xsd:dateTime': 'DateTime',
        } as const
      )[type.xsd];
    case 'enum':
    case 'data':
    case 'xml':
      return type.name;
    case 'any':
      return 'Any';
    case 'moref':
      return 'ManagedObjectReference';
    case 'array':
      return `ArrayOf${type.itemName}`;
  }
}

function resolve(type: VimType | ((value: never) => VimType), value: unknown): VimType {
  return typeof type === 'function' ? type(value as never) : type;
}

function leafText(xsd: Xsd, value: unknown): string {
  switch (xsd) {
    case 'xsd:string':
      return escapeXml(String(value));
    case 'xsd:boolean':
      return value ? 'true' : 'false';
    case 'xsd:dateTime':
      return dateTimeXml(value as number);
    default:
      return String(value);
  }
}

/**
 * Serializes one value as element `tag`. `typed` writes xsi:type (property values, array items);
 * `declared` is the field's declared type, so a subtype gets its xsi:type inside data objects too.
 */
export function writeValue(
  tag: string,
  type: VimType,
  value: unknown,
  typed: boolean,
  declared?: string,
): string {
  switch (type.kind) {
    case 'leaf':
      return typed
        ? `<${tag} xsi:type="${type.xsd}">${leafText(type.xsd, value)}</${tag}>`
        : `<${tag}>${leafText(type.xsd, value)}</${tag}>`;
    case 'enum':
      return typed ? `<${tag} xsi:type="${type.name}">${value}</${tag}>` : `<${tag}>${value}</${tag}>`;
    case 'moref':
      return morefXml(tag, value as Moref, typed);
    case 'any':
      return writeValue(tag, type.of, value, true);
    case 'xml': {
      const { type: actual, xml } = value as XmlValue;
      return `<${tag} xsi:type="${actual}">${xml}</${tag}>`;
    }
    case 'array': {
      let items = '';
      for (const item of value as unknown[]) {
        const itemType = resolve(type.of, item);
        items += writeValue(type.itemName, itemType, item, true);
      }
      return typed ? `<${tag} xsi:type="ArrayOf${type.itemName}">${items}</${tag}>` : items;
    }
    case 'data': {
      const xsiType =
        typed || (declared !== undefined && declared !== type.name) ? ` xsi:type="${type.name}"` : '';
      return `<${tag}${xsiType}>${writeFields(type, value)}</${tag}>`;
    }
  }
}

function writeFields(type: DataType, value: unknown): string {
  let xml = '';
  for (const f of type.fields) {
    const fieldValue = f.get(value as never);
    if (fieldValue === undefined) continue;
    const fieldType = resolve(f.type, fieldValue);
    if (fieldType.kind === 'array') {
      for (const item of fieldValue as unknown[]) {
        const itemType = resolve(fieldType.of, item);
        xml += writeValue(f.name, itemType, item, itemType.kind === 'xml', f.declared ?? fieldType.itemName);
      }
    } else {
      xml += writeValue(f.name, fieldType, fieldValue, false, f.declared);
    }
  }
  return xml;
}

/** The fields of a data object as XML, without its element: for method return values. */
export function dataXml(type: DataType, value: unknown): string {
  return writeFields(type, value);
}

/** A compiled property path: how to read it from a managed object's record and write its value. */
export interface PropertyPath {
  path: string;
  /** The value, undefined when unset, or MISSING when a property on the way is unset. */
  read(record: unknown): unknown;
  /** `<val xsi:type="…">…</val>` for a value read from this path. */
  write(value: unknown): string;
}

export const MISSING = Symbol('missing');

/**
 * Compiles `a.b.c` against a managed object's type; undefined when no such property exists. A step
 * may pick one element of an array of data objects of one type by its `key` field, as vCenter
 * allows (`config.extraConfig["cloud.uuid"]`); a key no element has reads as unset, not as an error.
 */
export function compilePath(root: DataType, path: string): PropertyPath | undefined {
  const steps: { field: VimField; byKey?: { key: string; keyField: VimField } }[] = [];
  let type: VimField['type'] = root;
  const step = /([A-Za-z]\w*)(?:\[(?:"([^"]*)"|(\d+))\])?(\.|$)/y;
  for (let done = false; !done;) {
    const match = step.exec(path);
    // Only data objects are traversed; polymorphic values (a function of the value) are read whole.
    if (!match || typeof type === 'function' || type.kind !== 'data') return undefined;
    const [, name, quotedKey, numberKey, separator] = match;
    done = separator === '';
    const next: VimField | undefined = type.fields.find((f) => f.name === name);
    if (!next) return undefined;
    const key = quotedKey ?? numberKey;
    if (key === undefined) {
      steps.push({ field: next });
      type = next.type;
      continue;
    }
    const array: VimField['type'] = next.type;
    const item: VimType | ((value: never) => VimType) | undefined =
      typeof array !== 'function' && array.kind === 'array' ? array.of : undefined;
    if (!item || typeof item === 'function' || item.kind !== 'data') return undefined;
    const keyField = item.fields.find((f) => f.name === 'key');
    if (!keyField) return undefined;
    steps.push({ field: next, byKey: { key, keyField } });
    type = item;
  }
  const finalType = type;
  return {
    path,
    read(record: unknown): unknown {
      let value: unknown = record;
      for (let i = 0; i < steps.length; i++) {
        const { field: f, byKey } = steps[i];
        value = f.get(value as never);
        if (byKey && value !== undefined)
          value = (value as unknown[]).find(
            (item) => String(byKey.keyField.get(item as never)) === byKey.key,
          );
        if (value === undefined) return i === steps.length - 1 ? undefined : MISSING;
      }
      return value;
    },
    write: (value) => writeValue('val', resolve(finalType, value), value, true),
  };
}
