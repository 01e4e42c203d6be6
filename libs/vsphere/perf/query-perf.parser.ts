import { lineHead, type EntityTags } from '../line-protocol';
import { VimFaultError } from '../soap/vim-fault.error';

const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';

/** Where a counter's values go: an escaped measurement and field key, e.g. vsphere_vm_cpu / usage_average. */
export interface CounterField {
  measurement: string;
  field: string;
}

/** What the parser knows about each entity of a chunk, prepared once per chunk. */
export interface EntityOutput {
  tags: EntityTags;
  /** counterId → where its values go, for this entity's kind. */
  fields: ReadonlyMap<number, CounterField>;
}

export interface QueryPerfParseResult {
  /**
   * UTF-8 line protocol, one line per (measurement, instance, timestamp), newline-terminated;
   * timestamps in seconds. A Buffer, so that it lives outside the JS heap while the parse runs and
   * can be moved to another thread and written to a sink without copies.
   */
  lines: Buffer;
  lineCount: number;
  /** Field values written. */
  points: number;
  /** Per entity, the newest sample time (epoch seconds) that had at least one value. */
  lastSampleByEntity: Record<string, number>;
  /** Series whose value count differs from the sample count (vcsim drops zeros), so values cannot be placed. */
  misalignedSeries: number;
  /** Series of counters the chunk did not ask for, or entities it does not know. */
  unknownSeries: number;
}

interface Series {
  counterId: number;
  instance: string;
  /** Values as vCenter wrote them: integers are copied into the line as text, never re-formatted. */
  values: string[];
}

/**
 * Streams a QueryPerfResponse (PerfEntityMetric, format normal) straight to line protocol: tag and
 * text events only, no object tree. Handles real vCenter (instance expansion, -1 for "no data",
 * faults) and vcsim (a series may have fewer values than sampleInfo entries; xsi bound to unusual
 * prefixes). Feed it with `write` as the response arrives and call `close` at the end.
 *
 * The tokenizer is written for vim25 responses rather than taken from a general XML parser: saxes
 * checks every character against the XML grammar and spent most of the hot path's CPU doing so
 * (bench/collector). This one jumps from `<` to `>` with indexOf, reads attributes only where vcc
 * needs them (xsi:type, namespace declarations), and decodes character references only in text
 * that has them. It still handles what well-formed XML may carry there: prefixes, comments, CDATA,
 * processing instructions, quoted `>` in attributes, self-closing tags, and chunks split anywhere.
 */
export class QueryPerfParser {
  /** Input not yet tokenized: the tail of the last chunk, from an incomplete tag or text. */
  private pending = '';
  private readonly xsiPrefixes = new Set<string>(['xsi']);
  private readonly path: string[] = [];
  private text = '';
  private cdata = '';
  private out = Buffer.allocUnsafe(64 * 1024);
  private outLength = 0;
  private result: Omit<QueryPerfParseResult, 'lines'> = {
    lineCount: 0,
    points: 0,
    lastSampleByEntity: {},
    misalignedSeries: 0,
    unknownSeries: 0,
  };
  // The entity being read.
  private moid = '';
  private timestamps: number[] = [];
  private seriesList: Series[] = [];
  private series: Series | undefined;
  // A fault, if the body holds one.
  private faultString = '';
  private faultType = '';
  private faultDetail: Record<string, string> = {};
  private readonly timestampCache = new Map<string, number>();

  constructor(private readonly entities: ReadonlyMap<string, EntityOutput>) {}

  write(chunk: string): void {
    const input = this.pending ? this.pending + chunk : chunk;
    let pos = 0;
    for (;;) {
      const lt = input.indexOf('<', pos);
      if (lt < 0) {
        this.text += input.slice(pos);
        pos = input.length;
        break;
      }
      if (lt > pos) this.text += input.slice(pos, lt);
      const next = this.tag(input, lt);
      if (next < 0) {
        pos = lt;
        break;
      }
      pos = next;
    }
    this.pending = input.slice(pos);
  }

  close(): QueryPerfParseResult {
    if (this.pending.trim() || this.path.length > 0) {
      throw new Error(`QueryPerf response ended inside <${this.path.join('><')}>`);
    }
    if (this.faultType || this.faultString) {
      throw new VimFaultError(this.faultType || 'ServerFaultCode', this.faultString, this.faultDetail);
    }
    return { lines: this.out.subarray(0, this.outLength), ...this.result };
  }

  /** Parses a whole response at once. */
  static parse(xml: string, entities: ReadonlyMap<string, EntityOutput>): QueryPerfParseResult {
    const parser = new QueryPerfParser(entities);
    parser.write(xml);
    return parser.close();
  }

  /**
   * Handles the markup starting at `lt`; returns the index after it, or -1 when the chunk ends first.
   */
  private tag(input: string, lt: number): number {
    const second = input.charCodeAt(lt + 1);
    if (second === 33 /* ! */) {
      if (input.startsWith('<!--', lt)) return after(input, '-->', lt + 4);
      if (input.startsWith('<![CDATA[', lt)) {
        const end = input.indexOf(']]>', lt + 9);
        if (end < 0) return -1;
        this.cdata += input.slice(lt + 9, end);
        return end + 3;
      }
      if (input.length - lt < 9) return -1;
      return after(input, '>', lt + 2); // <!DOCTYPE …>
    }
    if (second === 63 /* ? */) return after(input, '?>', lt + 2);
    let gt = input.indexOf('>', lt + 1);
    if (gt < 0) return -1;
    // An end tag has no attributes, so its first '>' ends it.
    if (second === 47 /* / */) {
      this.close_();
      return gt + 1;
    }
    let nameStart = lt + 1;
    let nameEnd = nameStart;
    for (let code = input.charCodeAt(nameEnd); nameEnd < gt && code !== 47 && !isSpace(code);) {
      if (code === 58 /* : */) nameStart = nameEnd + 1;
      code = input.charCodeAt(++nameEnd);
    }
    // A '>' inside a quoted attribute value does not end the tag. Most tags have no attributes,
    // and scanning every tag for quotes cost a good part of the parse (bench/collector).
    while (nameEnd < gt && unbalancedQuotes(input, nameEnd, gt)) {
      gt = input.indexOf('>', gt + 1);
      if (gt < 0) return -1;
    }
    const selfClosing = input.charCodeAt(gt - 1) === 47;
    const end = selfClosing ? gt - 1 : gt;
    this.open(input.slice(nameStart, nameEnd), nameEnd < end ? input.slice(nameEnd, end) : '');
    if (selfClosing) this.close_();
    return gt + 1;
  }

  private xsiType(attributes: string): string | undefined {
    if (!attributes) return undefined;
    for (const prefix of this.xsiPrefixes) {
      const value = attribute(attributes, `${prefix}:type`);
      if (value !== undefined) return value.slice(value.indexOf(':') + 1);
    }
    return undefined;
  }

  private open(name: string, attributes: string): void {
    if (attributes.includes('xmlns:')) {
      for (const [, declared, uri] of attributes.matchAll(/xmlns:([\w.-]+)\s*=\s*["']([^"']*)["']/g)) {
        if (uri === XSI_NAMESPACE) this.xsiPrefixes.add(declared);
      }
    }
    this.path.push(name);
    this.text = '';
    this.cdata = '';
    const depth = this.path.length;
    // Envelope(1) > Body(2) > QueryPerfResponse | Fault (3) > returnval (4) > entity | sampleInfo | value (5) > …
    if (depth === 4 && name === 'returnval') {
      const type = this.xsiType(attributes);
      if (type !== undefined && type !== 'PerfEntityMetric') {
        throw new Error(`QueryPerf returned ${type}; vcc asks for format "normal" (PerfEntityMetric)`);
      }
      this.moid = '';
      this.timestamps = [];
      this.seriesList = [];
    } else if (depth === 5 && name === 'value' && this.path[3] === 'returnval') {
      this.series = { counterId: -1, instance: '', values: [] };
    } else if (depth === 5 && this.path[2] === 'Fault' && this.path[3] === 'detail') {
      this.faultType = this.xsiType(attributes) ?? name.replace(/Fault$/, '');
    }
  }

  private close_(): void {
    const depth = this.path.length;
    const name = this.path.pop()!;
    const raw = this.text;
    const text = (raw.includes('&') ? decodeEntities(raw) : raw) + this.cdata;
    this.text = '';
    this.cdata = '';
    if (this.path[2] === 'Fault' || this.path[1] === 'Fault') {
      if (depth === 4 && name === 'faultstring') this.faultString = text;
      else if (depth === 6) this.faultDetail[name] = text;
      return;
    }
    if (depth === 6 && name === 'timestamp' && this.path[4] === 'sampleInfo') {
      this.timestamps.push(this.epochSeconds(text));
    } else if (depth === 6 && name === 'value' && this.series && this.path[4] === 'value') {
      this.series.values.push(text);
    } else if (depth === 7 && name === 'counterId' && this.series) {
      this.series.counterId = Number(text);
    } else if (depth === 7 && name === 'instance' && this.series) {
      // vcsim does not expand "*" and echoes it back; its single series is the aggregate.
      this.series.instance = text === '*' ? '' : text;
    } else if (depth === 5 && name === 'entity') {
      this.moid = text;
    } else if (depth === 5 && name === 'value' && this.series) {
      this.seriesList.push(this.series);
      this.series = undefined;
    } else if (depth === 4 && name === 'returnval') {
      this.emitEntity();
    }
  }

  private epochSeconds(text: string): number {
    let seconds = this.timestampCache.get(text);
    if (seconds === undefined) {
      seconds = Math.floor(Date.parse(text) / 1000);
      if (Number.isNaN(seconds)) throw new Error(`unreadable sample timestamp "${text}"`);
      this.timestampCache.set(text, seconds);
    }
    return seconds;
  }

  /** One line per (measurement, instance, timestamp) with every field that has a value (vCenter's -1 means none). */
  private emitEntity(): void {
    const entity = this.entities.get(this.moid);
    if (!entity) {
      this.result.unknownSeries += this.seriesList.length;
      return;
    }
    const timestamps = this.timestamps;
    const groups = new Map<string, { head: string; series: { field: string; values: string[] }[] }>();
    for (const series of this.seriesList) {
      const target = entity.fields.get(series.counterId);
      if (!target) {
        this.result.unknownSeries++;
        continue;
      }
      if (series.values.length !== timestamps.length) {
        this.result.misalignedSeries++;
        continue;
      }
      const key = `${target.measurement}\u0000${series.instance}`;
      let group = groups.get(key);
      if (!group) {
        group = { head: lineHead(target.measurement, entity.tags, series.instance), series: [] };
        groups.set(key, group);
      }
      group.series.push({ field: target.field, values: series.values });
    }
    let newest = this.result.lastSampleByEntity[this.moid] ?? -Infinity;
    let lines = '';
    for (const group of groups.values()) {
      for (let i = 0; i < timestamps.length; i++) {
        let fields = '';
        for (const series of group.series) {
          const value = series.values[i];
          // vCenter writes -1 where it has no sample; values are integers, so a sign means no data.
          if (value.charCodeAt(0) === 45 /* - */ || value === '') continue;
          fields += fields === '' ? `${series.field}=${value}i` : `,${series.field}=${value}i`;
          this.result.points++;
        }
        if (fields === '') continue;
        lines += `${group.head} ${fields} ${timestamps[i]}\n`;
        this.result.lineCount++;
        if (timestamps[i] > newest) newest = timestamps[i];
      }
    }
    if (newest > -Infinity) this.result.lastSampleByEntity[this.moid] = newest;
    this.append(lines);
  }

  /** Lines go out of the JS heap at once: a string kept growing for the whole parse makes every scavenge copy it. */
  private append(text: string): void {
    const needed = this.outLength + Buffer.byteLength(text);
    if (needed > this.out.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.out.length * 2));
      this.out.copy(grown, 0, 0, this.outLength);
      this.out = grown;
    }
    this.outLength += this.out.write(text, this.outLength);
  }
}

function isSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 9 || code === 13;
}

/** The index after `terminator` found from `from`, or -1 when it is not in the chunk yet. */
function after(input: string, terminator: string, from: number): number {
  const at = input.indexOf(terminator, from);
  return at < 0 ? -1 : at + terminator.length;
}

function unbalancedQuotes(input: string, from: number, to: number): boolean {
  let quote = 0;
  for (let i = from; i < to; i++) {
    const code = input.charCodeAt(i);
    if (quote === 0 && (code === 34 || code === 39)) quote = code;
    else if (code === quote) quote = 0;
  }
  return quote !== 0;
}

/** The value of attribute `name` in a tag's attribute text, decoded. */
function attribute(attributes: string, name: string): string | undefined {
  const at = attributes.indexOf(name);
  if (at < 0) return undefined;
  const match = /^\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(attributes.slice(at + name.length));
  if (!match || (at > 0 && !isSpace(attributes.charCodeAt(at - 1)))) return undefined;
  const value = match[1] ?? match[2];
  return value.includes('&') ? decodeEntities(value) : value;
}

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g, (_, entity: string) =>
    entity[0] === '#'
      ? String.fromCodePoint(
          entity[1] === 'x' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10),
        )
      : NAMED_ENTITIES[entity],
  );
}
