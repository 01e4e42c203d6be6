import { SaxesParser, type SaxesAttributeNS } from 'saxes';
import { VimFault } from './vim-fault.error';
import type { Moref } from './xml';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
// Most elements have no attributes: they share one empty (frozen) record.
const NO_ATTRIBUTES: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * One element of a SOAP request, namespace-resolved: clients differ in prefixes (strong-soap writes
 * `ns1:`, pyVmomi its own), so only local names count, and xsi:type keeps only the type's local name.
 */
export class XmlNode {
  readonly children: XmlNode[] = [];
  text = '';

  constructor(
    readonly name: string,
    readonly attrs: Readonly<Record<string, string>>,
    readonly xsiType: string | undefined,
  ) {}

  child(name: string): XmlNode | undefined {
    return this.children.find((node) => node.name === name);
  }

  all(name: string): XmlNode[] {
    return this.children.filter((node) => node.name === name);
  }

  /** Text of a child element, undefined when absent. */
  value(name: string): string | undefined {
    return this.child(name)?.text;
  }
}

export interface SoapRequest {
  method: string;
  args: XmlNode;
}

/** Parses a SOAP envelope and returns the method element (the first child of Body). */
export function parseSoapRequest(body: string): SoapRequest {
  const parser = new SaxesParser({ xmlns: true });
  const stack: XmlNode[] = [];
  let root: XmlNode | undefined;
  parser.on('opentag', (tag) => {
    let attrs: Record<string, string> = NO_ATTRIBUTES;
    let xsiType: string | undefined;
    for (const name in tag.attributes) {
      const attr = tag.attributes[name] as SaxesAttributeNS;
      if (attr.uri === XSI && attr.local === 'type') xsiType = localName(attr.value);
      else if (attr.prefix === '') {
        if (attrs === NO_ATTRIBUTES) attrs = {};
        attrs[attr.local] = attr.value;
      }
    }
    const node = new XmlNode(tag.local ?? tag.name, attrs, xsiType);
    if (stack.length) stack[stack.length - 1].children.push(node);
    else root = node;
    stack.push(node);
  });
  parser.on('text', (text) => {
    if (stack.length) stack[stack.length - 1].text += text;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  try {
    parser.write(body).close();
  } catch (error) {
    throw VimFault.invalidRequest(`malformed SOAP request: ${(error as Error).message}`);
  }
  const method = root?.name === 'Envelope' ? root.child('Body')?.children[0] : undefined;
  if (!method) throw VimFault.invalidRequest('the request is not a SOAP envelope with a method in its Body');
  return { method: method.name, args: method };
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon < 0 ? qualified : qualified.slice(colon + 1);
}

// Decoders for argument values; each throws InvalidArgument naming the argument when it is malformed.

export function morefArg(node: XmlNode | undefined, name: string): Moref {
  if (!node || !node.attrs.type || !node.text) throw VimFault.invalidArgument(name);
  return { type: node.attrs.type, value: node.text };
}

export function intArg(node: XmlNode | undefined, name: string): number | undefined {
  if (!node) return undefined;
  const value = Number(node.text.trim());
  if (!Number.isInteger(value)) throw VimFault.invalidArgument(name);
  return value;
}

export function boolArg(node: XmlNode | undefined, name: string): boolean | undefined {
  if (!node) return undefined;
  const text = node.text.trim();
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw VimFault.invalidArgument(name);
}

/** xsd:dateTime as epoch seconds (fractions kept). */
export function dateArg(node: XmlNode | undefined, name: string): number | undefined {
  if (!node) return undefined;
  const ms = Date.parse(node.text.trim());
  if (Number.isNaN(ms)) throw VimFault.invalidArgument(name);
  return ms / 1000;
}
