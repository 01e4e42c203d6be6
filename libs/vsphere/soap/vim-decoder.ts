import type { Client, Descriptor } from 'strong-soap';

const VIM25 = 'urn:vim25';
type Plain = Record<string, unknown>;

/** A managed object reference, e.g. { type: 'VirtualMachine', value: 'vm-42' }. */
export interface MoRef {
  type: string;
  value: string;
}

/**
 * Turns strong-soap's response objects into typed values. strong-soap reads a response by the
 * *declared* schema type and ignores xsi:type, so under xsd:anyType (DynamicProperty.val,
 * OptionValue.value) and base types (QueryPerf's PerfEntityMetricBase, Event) numbers, booleans and
 * dates stay strings and one-element arrays stay objects. This walks the result again with the type
 * each element really has: the xsi:type when present, else the declared one, using the same WSDL's
 * descriptors. Typed objects with an xsi:type get `_type` (e.g. 'VmMigratedEvent').
 */
export class VimDecoder {
  private readonly descriptors = new Map<string, Descriptor | undefined>();

  constructor(private readonly client: Client) {}

  /** The `returnval` of an operation's response, typed. */
  returnValue(operation: string, response: unknown): unknown {
    const wrapper = this.element(`${operation}Response`);
    const returnval = wrapper?.elements.find((element) => element.qname?.name === 'returnval');
    const value = (response as Plain | undefined)?.returnval;
    if (value === undefined) return returnval?.isMany ? [] : undefined;
    return this.decode(returnval?.isMany && !Array.isArray(value) ? [value] : value, returnval);
  }

  /** Decodes a SOAP fault's detail object (e.g. NotAuthenticatedFault) into its type name and fields. */
  faultDetail(detail: unknown): { type: string; fields: Record<string, string> } | undefined {
    if (!detail || typeof detail !== 'object') return undefined;
    const [name, value] = Object.entries(detail as Plain).find(([key]) => key !== '$attributes') ?? [];
    if (!name) return undefined;
    const typed = this.decode(value, undefined) as Plain | undefined;
    const type = (typed?._type as string | undefined) ?? name.replace(/Fault$/, '');
    const fields: Record<string, string> = {};
    for (const [key, field] of Object.entries(typed ?? {})) {
      if (key !== '_type') fields[key] = typeof field === 'object' ? JSON.stringify(field) : String(field);
    }
    return { type, fields };
  }

  decode(value: unknown, declared: Descriptor | undefined): unknown {
    if (Array.isArray(value)) return value.map((item) => this.decode(item, declared));
    if (value === null || value === undefined || value instanceof Date) return value;
    const attributes =
      typeof value === 'object' ? ((value as Plain).$attributes as Plain | undefined) : undefined;
    const xsiType = attributes?.$xsiType as { type: string; xmlns?: string } | undefined;
    const typeName = xsiType ? stripPrefix(xsiType.type) : declared?.type?.name;
    const builtin =
      isXsdBuiltin(typeName) && (xsiType ? xsiType.xmlns !== VIM25 : declared?.type?.nsURI !== VIM25);

    // Undeclared elements (fields of an event subclass the WSDL does not name) that look like a
    // reference: text plus a `type` attribute.
    const looksLikeRef =
      !declared &&
      !xsiType &&
      typeof attributes?.type === 'string' &&
      Object.keys(value as Plain).length === 2;
    if (typeName === 'ManagedObjectReference' || looksLikeRef) {
      return {
        type: String(attributes?.type ?? ''),
        value: String((value as Plain).$value ?? ''),
      } satisfies MoRef;
    }
    if (builtin) {
      const text = typeof value === 'object' ? (value as Plain).$value : value;
      return convertBuiltin(typeName!, text);
    }
    if (typeof value !== 'object') return value;
    // An enum or another simple type carried with its xsi:type (e.g. VirtualMachinePowerState).
    if (
      '$value' in (value as Plain) &&
      Object.keys(value as Plain).every((key) => key === '$value' || key === '$attributes')
    ) {
      return (value as Plain).$value;
    }

    // An xsi:type the WSDL does not declare (most Event subclasses) is read as its declared base type.
    const descriptor = (xsiType && this.complexType(typeName!)) || declared;
    if (typeName?.startsWith('ArrayOf') && descriptor?.elements.length === 1) {
      const items = (value as Plain)[descriptor.elements[0].qname!.name];
      if (items === undefined) return [];
      return this.decode(Array.isArray(items) ? items : [items], descriptor.elements[0]);
    }
    const result: Plain = xsiType ? { _type: typeName } : {};
    for (const [key, child] of Object.entries(value as Plain)) {
      if (key === '$attributes') continue;
      if (key === '$value') {
        result.$value = child;
        continue;
      }
      const element = descriptor?.elements.find((candidate) => candidate.qname?.name === key);
      const list = element?.isMany && !Array.isArray(child) ? [child] : child;
      result[key] = this.decode(list, element);
    }
    return result;
  }

  private element(name: string): Descriptor | undefined {
    return this.describe(`element:${name}`, () => this.schema().elements[name]);
  }

  private complexType(name: string): Descriptor | undefined {
    return this.describe(`type:${name}`, () => this.schema().complexTypes[name]);
  }

  private describe(
    key: string,
    find: () => { describe(definitions: unknown): Descriptor } | undefined,
  ): Descriptor | undefined {
    if (!this.descriptors.has(key)) this.descriptors.set(key, find()?.describe(this.client.wsdl.definitions));
    return this.descriptors.get(key);
  }

  private schema(): {
    complexTypes: Record<string, { describe(d: unknown): Descriptor }>;
    elements: Record<string, { describe(d: unknown): Descriptor }>;
  } {
    return this.client.wsdl.definitions.schemas[VIM25];
  }
}

function stripPrefix(qname: string): string {
  return qname.slice(qname.indexOf(':') + 1);
}

const NUMBER_TYPES = new Set([
  'int',
  'long',
  'short',
  'byte',
  'float',
  'double',
  'decimal',
  'unsignedInt',
  'unsignedLong',
  'unsignedShort',
  'unsignedByte',
  'integer',
]);

function isXsdBuiltin(name: string | undefined): boolean {
  return (
    name !== undefined &&
    (NUMBER_TYPES.has(name) ||
      ['string', 'boolean', 'dateTime', 'anyURI', 'base64Binary', 'anyType'].includes(name))
  );
}

function convertBuiltin(type: string, text: unknown): unknown {
  if (text === undefined || text === null) return type === 'string' ? '' : text;
  if (typeof text !== 'string') return text;
  if (NUMBER_TYPES.has(type)) return Number(text);
  if (type === 'boolean') return text === 'true' || text === '1';
  if (type === 'dateTime') return new Date(text);
  return text;
}
