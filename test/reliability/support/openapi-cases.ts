import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';

/** The parts of an OpenAPI 3 document the cases are generated from. */
export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  minimum?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
}
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface Route {
  method: string;
  path: string;
  operation: Operation;
}

/** One bad request: what is wrong with it, and the request itself. */
export interface BadCase {
  what: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** A Content-Length beyond the body sent (a body over the limit, refused by its header). */
  declaredLength?: number;
}

/** The values the cases put where a request needs a real thing: ids of seeded rows, a secret. */
export interface Seeds {
  /** A valid value for a path parameter of a route, so that one other defect is the only one. */
  pathValue(path: string, parameter: string): string;
  /** Headers a route needs besides authentication (e.g. a collector's secret). */
  headerValue(name: string): string | undefined;
}

const HUGE_STRING = 'x'.repeat(100_000);
/** Over the largest event batch (10,000); validating each item makes bigger arrays slow, not harder. */
const HUGE_ARRAY_LENGTH = 20_001;
/** Over every body limit the apps have (the ingest routes' 32 MiB default included). */
export const OVER_LIMIT_BYTES = 64 * 1024 * 1024;
const NUL = 'a\u0000b';
/** Placeholder swapped for bytes that are not UTF-8 after serialising. */
const INVALID_UTF8_MARK = 'VCC-NOT-UTF8-MARK';
/**
 * Fields that name a stored thing, where a path traversal must be refused. Free text (a VM name, an
 * event type filter) may hold anything vCenter does, and matches nothing when it is odd.
 */
const NAMES = /(^id$|Id$|^name$|^vcenter$)/;
const TRAVERSAL = [
  '../../../../etc/passwd',
  '..\\..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
];

export const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function routes(document: OpenApiDocument): Route[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      operation,
    })),
  );
}

function resolve(document: OpenApiDocument, schema: Schema | undefined): Schema {
  if (!schema) return {};
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  return resolve(document, document.components?.schemas?.[name]);
}

/** A plausible value for a schema: its enum, example, default, or a value of its type; objects with every property. */
export function sample(document: OpenApiDocument, given: Schema | undefined, depth = 0): unknown {
  const schema = resolve(document, given);
  if (schema.enum?.length) return schema.enum[0];
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  switch (schema.type) {
    case 'string':
      return schema.format === 'date-time' ? new Date().toISOString() : 'sample';
    case 'number':
    case 'integer':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return depth > 4 ? [] : [sample(document, schema.items, depth + 1)];
    default: {
      const body: Record<string, unknown> = {};
      if (depth > 4) return body;
      // Optional properties too, so that every property the defects reach is there to change.
      for (const [name, property] of Object.entries(schema.properties ?? {}))
        body[name] = sample(document, property, depth + 1);
      return body;
    }
  }
}

function wrongTypes(schema: Schema): unknown[] {
  switch (schema.type) {
    case 'string':
      return [12345, ['sample'], { value: 'sample' }];
    case 'number':
    case 'integer':
      return ['abc', true, [1], '1e400'];
    case 'boolean':
      return ['yes', 2];
    case 'array':
      return ['sample', { 0: 'sample' }];
    default:
      return ['sample', 5, [{}]];
  }
}

/** `{"a":{"a":…}}` `depth` levels deep. */
function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

/**
 * Bodies with one defect each, at every property of the body, of its nested objects and of the
 * first item of its arrays of objects: each property of the wrong type, each required one
 * missing, a field the schema does not have, and for strings and arrays values that no sane limit
 * allows (huge, NUL, bytes that are not UTF-8, path traversal, nesting deeper than any limit).
 */
function bodyDefects(
  document: OpenApiDocument,
  given: Schema,
  at: string[] = [],
  depth = 0,
): { what: string; mutate: (body: unknown) => unknown }[] {
  const schema = resolve(document, given);
  const set =
    (path: string[], value: unknown, remove = false) =>
    (body: unknown): unknown => {
      const copy = structuredClone(body) as Record<string, unknown>;
      let target = copy as Record<string, unknown>;
      for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
      const last = path[path.length - 1];
      if (remove) delete target[last];
      else target[last] = value;
      return copy;
    };
  const where = (name: string): string => [...at, name].join('.');
  const defects = [
    { what: `unknown field ${where('vccUnknownField')}`, mutate: set([...at, 'vccUnknownField'], 1) },
  ];
  for (const [name, given] of Object.entries(schema.properties ?? {})) {
    const property = resolve(document, given);
    const path = [...at, name];
    for (const value of wrongTypes(property))
      defects.push({ what: `${where(name)} = ${JSON.stringify(value)}`, mutate: set(path, value) });
    if (schema.required?.includes(name))
      defects.push({ what: `${where(name)} missing`, mutate: set(path, undefined, true) });
    defects.push({ what: `${where(name)} nested 64 deep`, mutate: set(path, nested(64)) });
    if (property.type === 'string') {
      defects.push({ what: `${where(name)} of 100,000 characters`, mutate: set(path, HUGE_STRING) });
      defects.push({ what: `${where(name)} with NUL`, mutate: set(path, NUL) });
      defects.push({ what: `${where(name)} not UTF-8`, mutate: set(path, INVALID_UTF8_MARK) });
      if (NAMES.test(name))
        for (const value of TRAVERSAL)
          defects.push({ what: `${where(name)} = ${value}`, mutate: set(path, value) });
    }
    if (property.type === 'array') {
      defects.push({
        what: `${where(name)} of ${HUGE_ARRAY_LENGTH} items`,
        mutate: set(path, new Array(HUGE_ARRAY_LENGTH).fill(0)),
      });
      const items = resolve(document, property.items);
      if (items.properties && depth < 2)
        defects.push(...bodyDefects(document, items, [...path, '0'], depth + 1));
    }
    if (property.properties && depth < 2) defects.push(...bodyDefects(document, property, path, depth + 1));
  }
  return defects;
}

function serialise(body: unknown): Buffer {
  const text = JSON.stringify(body);
  const [before, after] = text.split(INVALID_UTF8_MARK);
  if (after === undefined) return Buffer.from(text);
  return Buffer.concat([Buffer.from(before), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from(after)]);
}

/** tar.gz archives that must be refused: not gzip, gzip of no tar, cut short, and one naming ../ paths. */
async function badArchives(): Promise<{ what: string; bytes: Buffer }[]> {
  const archive = pack();
  archive.entry({ name: '../../../../tmp/vcc-traversal' }, 'x');
  archive.entry({ name: '/etc/vcc-absolute' }, 'x');
  archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive) chunks.push(chunk as Buffer);
  const traversal = gzipSync(Buffer.concat(chunks));
  return [
    { what: 'not gzip', bytes: Buffer.from('this is not a tar.gz') },
    { what: 'gzip of no tar', bytes: gzipSync(Buffer.from('plain text, not a tar archive')) },
    { what: 'cut short', bytes: traversal.subarray(0, traversal.length / 2) },
    { what: 'entries named ../ and /', bytes: traversal },
  ];
}

function multipart(field: string, bytes: Buffer): { body: Buffer; type: string } {
  const boundary = 'vccReliabilityBoundary';
  return {
    type: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="upload.tar.gz"\r\n` +
          'Content-Type: application/gzip\r\n\r\n',
      ),
      bytes,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  };
}

/** Every bad request for one route, generated from its OpenAPI description. */
export async function badCases(document: OpenApiDocument, route: Route, seeds: Seeds): Promise<BadCase[]> {
  const parameters = route.operation.parameters ?? [];
  const pathWith = (override: Record<string, string> = {}): string =>
    route.path.replace(
      /\{([^}]+)\}/g,
      (_, name: string) => override[name] ?? encodeURIComponent(seeds.pathValue(route.path, name)),
    );
  const baseQuery = parameters
    .filter((p) => p.in === 'query' && p.required)
    .map((p) => `${p.name}=${encodeURIComponent(String(sample(document, p.schema)))}`);
  const withQuery = (path: string, extra: string[] = []): string => {
    const query = [...baseQuery, ...extra].join('&');
    return query ? `${path}?${query}` : path;
  };
  const headers: Record<string, string> = {};
  for (const p of parameters.filter((p) => p.in === 'header')) {
    const value = seeds.headerValue(p.name);
    if (value !== undefined) headers[p.name] = value;
  }
  const content = route.operation.requestBody?.content ?? {};
  const jsonSchema = content['application/json']?.schema;
  const baseBody = jsonSchema ? serialise(sample(document, jsonSchema)) : undefined;
  const jsonHeaders = { ...headers, 'content-type': 'application/json' };
  const cases: BadCase[] = [];
  const add = (what: string, path: string, extra: Partial<BadCase> = {}): void => {
    const body = extra.body ?? baseBody;
    cases.push({
      what,
      method: route.method,
      path,
      headers: body ? jsonHeaders : headers,
      ...(body ? { body } : {}),
      ...extra,
    });
  };

  for (const p of parameters.filter((p) => p.in === 'path')) {
    const values = [
      ...TRAVERSAL.map((value) => encodeURIComponent(value)),
      '..%2F..%2F..%2Fetc%2Fpasswd',
      '%00',
      `${encodeURIComponent(seeds.pathValue(route.path, p.name))}%00`,
      '%FF%FE',
      '-1',
      '1e400',
      '99999999999999999999999',
      'x'.repeat(10_000),
      encodeURIComponent("' OR '1'='1"),
    ];
    for (const value of values)
      add(`path ${p.name} = ${value.slice(0, 40)}`, withQuery(pathWith({ [p.name]: value })));
  }

  for (const p of parameters.filter((p) => p.in === 'query')) {
    const schema = resolve(document, p.schema);
    const others = baseQuery.filter((q) => !q.startsWith(`${p.name}=`));
    const values = ['%00', 'a%00b', '%FF%FE', 'x'.repeat(10_000)];
    if (NAMES.test(p.name)) values.push(...TRAVERSAL.map(encodeURIComponent));
    if (schema.type === 'number' || schema.type === 'integer')
      values.push('abc', '1e400', '-1', '1.5', '9'.repeat(400), 'NaN', '0x10');
    if (schema.enum) values.push('vcc-bogus');
    for (const value of values)
      add(
        `query ${p.name} = ${value.slice(0, 40)}`,
        `${pathWith()}?${[...others, `${p.name}=${value}`].join('&')}`,
      );
    add(`query ${p.name} twice`, `${pathWith()}?${[...others, `${p.name}=1`, `${p.name}=2`].join('&')}`);
  }
  add('unknown query parameter', withQuery(pathWith(), ['vccUnknown=1']));

  for (const p of parameters.filter((p) => p.in === 'header')) {
    const without: Record<string, string> = { ...(baseBody ? jsonHeaders : headers) };
    delete without[p.name];
    add(`header ${p.name} missing`, withQuery(pathWith()), { headers: without });
    add(`header ${p.name} wrong`, withQuery(pathWith()), {
      headers: { ...without, [p.name]: 'wrong-value' },
    });
    add(`header ${p.name} of 100,000 characters`, withQuery(pathWith()), {
      headers: { ...without, [p.name]: HUGE_STRING },
    });
  }

  if (jsonSchema) {
    const base = sample(document, jsonSchema);
    for (const defect of bodyDefects(document, jsonSchema))
      add(`body ${defect.what}`, withQuery(pathWith()), { body: serialise(defect.mutate(base)) });
  }

  if (BODY_METHODS.has(route.method)) {
    const path = withQuery(pathWith());
    const raw = (what: string, body: Buffer, type = 'application/json'): void =>
      add(what, path, { body, headers: { ...headers, 'content-type': type } });
    raw('malformed JSON: cut short', Buffer.from('{"a":'));
    raw('malformed JSON: single quotes', Buffer.from("{'a': 1}"));
    raw('malformed JSON: trailing garbage', Buffer.from('{}}'));
    raw('malformed JSON: empty', Buffer.alloc(0));
    raw('JSON that is not UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]));
    raw('JSON nested 100,000 deep', Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`));
    raw('JSON objects nested 10,000 deep', Buffer.from(`${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`));
    raw('body of another content type', Buffer.from('a=1'), 'application/x-www-form-urlencoded');
    add(`body over the limit (${OVER_LIMIT_BYTES} bytes announced)`, path, {
      headers: jsonHeaders,
      body: Buffer.from('{"a":"'),
      declaredLength: OVER_LIMIT_BYTES,
    });
  }

  for (const [type, { schema }] of Object.entries(content)) {
    if (!type.startsWith('multipart/')) continue;
    const fields = Object.keys(resolve(document, schema).properties ?? { file: {} });
    for (const field of fields)
      for (const archive of await badArchives()) {
        const form = multipart(field, archive.bytes);
        add(`multipart ${field}: tar.gz ${archive.what}`, withQuery(pathWith()), {
          body: form.body,
          headers: { ...headers, 'content-type': form.type },
        });
      }
  }
  return cases;
}
