/**
 * HTML built by a tagged template that escapes every interpolated value unless it is already
 * Html (built the same way). Hand-written because the pages are a few server-rendered tables and
 * forms: a template engine would be a new dependency, and most of them escape only by default, with
 * a raw mode one slip away. Here there is no raw mode: markup can only come from template literals
 * in this code.
 */
export class Html {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]);
}

/** Anything but Html and arrays of it is text: null, undefined and false are nothing. */
function render(value: unknown): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let text = strings[0];
  values.forEach((value, index) => (text += render(value) + strings[index + 1]));
  return new Html(text);
}

/**
 * Data for a page script, as a JSON block the browser does not run. `<` is written as \u003c so
 * that no string in it can close the script element; JSON.parse reads it back unchanged.
 */
export function jsonBlock(id: string, data: unknown): Html {
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return new Html(`<script type="application/json" id="${escapeHtml(id)}">${json}</script>`);
}

/** A query string of the parameters that are set, for links between pages. */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
