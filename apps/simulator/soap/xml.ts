const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
const NEEDS_ESCAPE = /[&<>"']/;

export function escapeXml(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(/[&<>"']/g, (c) => ESCAPES[c]) : text;
}

/** A managed object reference: the object's type and its id (moref), e.g. VirtualMachine vm-42. */
export interface Moref {
  type: string;
  value: string;
}

/** `<tag type="VirtualMachine">vm-42</tag>`, with xsi:type where the declared type is anyType. */
export function morefXml(tag: string, ref: Moref, typed = false): string {
  const xsiType = typed ? ' xsi:type="ManagedObjectReference"' : '';
  return `<${tag} type="${ref.type}"${xsiType}>${escapeXml(ref.value)}</${tag}>`;
}

/** xsd:dateTime as vCenter writes it: UTC, no milliseconds when there are none. */
export function dateTimeXml(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}
