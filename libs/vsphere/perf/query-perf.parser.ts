import { escapeTag, lineHead, tagSlots, type EntityTags, type TagSlots } from '../line-protocol';
import { VimFaultError } from '../soap/vim-fault.error';

const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';

/** Where a counter's values go (see counterField): an escaped measurement and field key, e.g. vsphere_vm_cpu / usage_average. */
export interface CounterField {
  measurement: string;
  field: string;
  /** The tag keys a series' instance is written under, sorted (Telegraf writes datastore instances twice). */
  instanceKeys: string[];
  /** The instance tag value of the aggregate series (instance ""); '' writes no instance tag. */
  aggregate: string;
  /** Values are hundredths of a percent, written as a float divided by 100, a percentage (Telegraf's 21.5 for 2150). */
  percent: boolean;
  /** The instance loses an enclosing "<" and ">" (Telegraf's disk tag). */
  unbracket: boolean;
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

/** A counter's field key as the bytes `key=`, encoded once per parse. */
interface FieldTarget {
  measurement: string;
  key: Buffer;
  field: CounterField;
  /** Counters with the same instance tagging share it, so that their series of one instance share lines. */
  tagging: string;
}

interface Series {
  counterId: number;
  instance: string;
  /** Index of its first value in the entity's value bounds. */
  firstValue: number;
  valueCount: number;
}

// The elements of a QueryPerf response, by local name, as small numbers: tags are matched on their
// bytes, and only the names of other elements (a fault's detail) are decoded. Elements the parser
// only passes through are listed too, so that their names need no decoding either.
const NAMES = [
  '',
  'Envelope',
  'Body',
  'QueryPerfResponse',
  'Fault',
  'faultstring',
  'detail',
  'returnval',
  'entity',
  'sampleInfo',
  'timestamp',
  'interval',
  'value',
  'id',
  'counterId',
  'instance',
];
const OTHER = 0;
const FAULT = NAMES.indexOf('Fault');
const FAULT_STRING = NAMES.indexOf('faultstring');
const DETAIL = NAMES.indexOf('detail');
const RETURNVAL = NAMES.indexOf('returnval');
const ENTITY = NAMES.indexOf('entity');
const SAMPLE_INFO = NAMES.indexOf('sampleInfo');
const TIMESTAMP = NAMES.indexOf('timestamp');
const VALUE = NAMES.indexOf('value');
const COUNTER_ID = NAMES.indexOf('counterId');
const INSTANCE = NAMES.indexOf('instance');
const NAME_BYTES = NAMES.map((name) => Buffer.from(name));
/** Element ids by name length, for matching a tag's name without decoding it. */
const IDS_BY_LENGTH: number[][] = [];
NAMES.forEach((name, id) => {
  if (id !== OTHER) (IDS_BY_LENGTH[name.length] ??= []).push(id);
});

const LT = 60;
const GT = 62;
const SLASH = 47;
const COLON = 58;
const AMPERSAND = 38;
const MINUS = 45;
const SPACE = 32;
const COMMA = 44;
/** Line protocol's integer marker, `i`. */
const INTEGER_SUFFIX = 105;
const ZERO = 48;
const DOT = 46;
const EMPTY = Buffer.alloc(0);

/**
 * The buffers a parse writes into. They are kept for the next parse in the same thread: growing
 * fresh ones for every response cost as much as the tokenizing (copies and page faults; profiled
 * on bench/collector).
 */
interface Workspace {
  /** The lines so far. */
  out: Buffer;
  /** The current entity's sample values. */
  values: Buffer;
  /** The unread tail of the last chunk joined with the next chunk. */
  joined: Buffer;
}

const spareWorkspaces: Workspace[] = [];
/** A worker parses up to 8 answers at once (PerfPool's concurrentTasksPerWorker); more spares would only hold memory. */
const MAX_SPARE_WORKSPACES = 8;

/**
 * Streams a QueryPerfResponse (PerfEntityMetric, format normal) straight to line protocol: tag and
 * text events only, no object tree. Handles real vCenter (instance expansion, -1 for "no data",
 * faults) and vcsim (a series may have fewer values than sampleInfo entries; xsi bound to unusual
 * prefixes). Feed it the response bytes with `write` as they arrive and call `close` at the end.
 *
 * The tokenizer is written for vim25 responses rather than taken from a general XML parser: saxes
 * checks every character against the XML grammar and spent most of the hot path's CPU doing so
 * (bench/collector). This one works on the UTF-8 bytes: it jumps from `<` to `>` with indexOf,
 * matches element names without decoding them, copies sample values byte for byte into the lines,
 * and decodes text only where vcc needs a string (morefs, instances, timestamps, faults) or where
 * it holds character references. Decoding every tag and value to a string made the parse
 * allocation-bound (bench/collector). It still handles what well-formed XML may carry there:
 * prefixes, comments, CDATA, processing instructions, quoted `>` in attributes, self-closing tags,
 * and chunks split anywhere, within a character too.
 */
export class QueryPerfParser {
  /** Input not yet tokenized: the tail of the last chunk, from the text before an incomplete tag. */
  private pending: Buffer = EMPTY;
  private readonly xsiPrefixes = new Set<string>(['xsi']);
  /** Open elements, as ids, and their names (for errors and fault details). */
  private readonly path: number[] = [];
  private readonly names: string[] = [];
  /** Where the current element's text starts in the input being tokenized. */
  private textStart = 0;
  /** Text before a comment, CDATA section or processing instruction inside the same element, decoded. */
  private textBefore = '';
  private readonly workspace = spareWorkspaces.pop() ?? {
    out: Buffer.allocUnsafe(64 * 1024),
    values: Buffer.allocUnsafe(16 * 1024),
    joined: EMPTY,
  };
  private outLength = 0;
  private result: Omit<QueryPerfParseResult, 'lines'> = {
    lineCount: 0,
    points: 0,
    lastSampleByEntity: {},
    misalignedSeries: 0,
    unknownSeries: 0,
  };
  // The entity being read: its sample times, series and their values, copied as bytes.
  private moid = '';
  // The arrays and series objects are reused from entity to entity: allocations were a good part
  // of the workers' time (bench/collector).
  private readonly timestamps: number[] = [];
  /** The entity's series: the first `seriesCount` are in use. */
  private readonly seriesList: Series[] = [];
  private seriesCount = 0;
  private series: Series | undefined;
  private valuesLength = 0;
  /** Start and end of each value in `values`, in pairs. */
  private readonly valueBounds: number[] = [];
  /** Entries of `valueBounds` in use: the array is reused from entity to entity. */
  private boundsLength = 0;
  // A fault, if the body holds one.
  private faultString = '';
  private faultType = '';
  private faultDetail: Record<string, string> = {};
  /** Sample time text → epoch seconds and its line ending ` <seconds>\n`. */
  private readonly timestampCache = new Map<string, { seconds: number; ending: Buffer }>();
  private readonly timestampEndings: Buffer[] = [];
  /** Per counter table (shared by the entities of a kind), its fields with their keys encoded. */
  private readonly targets = new Map<ReadonlyMap<number, CounterField>, Map<number, FieldTarget>>();

  constructor(private readonly entities: ReadonlyMap<string, EntityOutput>) {}

  write(chunk: Uint8Array): void {
    let input = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.pending.length > 0) {
      // Joined in the workspace: a new buffer per chunk made GC work (bench/collector).
      const workspace = this.workspace;
      const length = this.pending.length + input.length;
      if (workspace.joined.length < length)
        workspace.joined = Buffer.allocUnsafe(Math.max(length, 2 * workspace.joined.length));
      this.pending.copy(workspace.joined);
      input.copy(workspace.joined, this.pending.length);
      input = workspace.joined.subarray(0, length);
    }
    let pos = 0;
    this.textStart = 0;
    for (;;) {
      const lt = input.indexOf(LT, pos);
      if (lt < 0) break;
      const next = this.tag(input, lt);
      if (next < 0) break;
      pos = next;
    }
    // The text since the last tag stays pending with the rest, so that it is read in one piece;
    // copied, as the input's memory is reused.
    this.pending = Buffer.from(input.subarray(this.textStart));
  }

  /** The result; the parser is done with its workspace after this. */
  close(): QueryPerfParseResult {
    try {
      if (!isBlank(this.pending) || this.path.length > 0) {
        throw new Error(`QueryPerf response ended inside <${this.names.join('><')}>`);
      }
      if (this.faultType || this.faultString) {
        throw new VimFaultError(this.faultType || 'ServerFaultCode', this.faultString, this.faultDetail);
      }
      // Copied out at their size, into memory of their own that can be moved to another thread
      // (allocUnsafe would hand out a slice of Node's shared pool for small sizes).
      const lines = Buffer.allocUnsafeSlow(this.outLength);
      this.workspace.out.copy(lines, 0, 0, this.outLength);
      return { lines, ...this.result };
    } finally {
      if (spareWorkspaces.length < MAX_SPARE_WORKSPACES) spareWorkspaces.push(this.workspace);
    }
  }

  /** Parses a whole response at once. */
  static parse(xml: Uint8Array | string, entities: ReadonlyMap<string, EntityOutput>): QueryPerfParseResult {
    const parser = new QueryPerfParser(entities);
    parser.write(typeof xml === 'string' ? Buffer.from(xml) : xml);
    return parser.close();
  }

  /**
   * Handles the markup starting at `lt`; returns the index after it, or -1 when the input ends first.
   */
  private tag(input: Buffer, lt: number): number {
    const second = input[lt + 1];
    if (second === 33 /* ! */) {
      if (startsWith(input, lt, '<!--')) return this.between(input, lt, after(input, '-->', lt + 4));
      if (input.length - lt < 9) return -1;
      if (startsWith(input, lt, '<![CDATA[')) {
        const end = input.indexOf(']]>', lt + 9);
        if (end < 0) return -1;
        this.between(input, lt, end + 3);
        this.textBefore += input.toString('utf8', lt + 9, end);
        return end + 3;
      }
      return this.between(input, lt, after(input, '>', lt + 2)); // <!DOCTYPE …>
    }
    if (second === 63 /* ? */) return this.between(input, lt, after(input, '?>', lt + 2));
    let gt = input.indexOf(GT, lt + 1);
    if (gt < 0) return -1;
    // An end tag has no attributes, so its first '>' ends it.
    if (second === SLASH) {
      this.closeElement(input, lt);
      return this.textFrom(input, gt + 1);
    }
    let nameStart = lt + 1;
    let nameEnd = nameStart;
    for (let code = input[nameEnd]; nameEnd < gt && code !== SLASH && !isSpace(code);) {
      if (code === COLON) nameStart = nameEnd + 1;
      code = input[++nameEnd];
    }
    // A '>' inside a quoted attribute value does not end the tag. Most tags have no attributes,
    // and scanning every tag for quotes cost a good part of the parse (bench/collector).
    let attributes = nameEnd < gt ? scanAttributes(input, nameEnd, gt) : 0;
    while (attributes & UNBALANCED_QUOTES) {
      gt = input.indexOf(GT, gt + 1);
      if (gt < 0) return -1;
      attributes = scanAttributes(input, nameEnd, gt);
    }
    const selfClosing = input[gt - 1] === SLASH;
    const end = selfClosing ? gt - 1 : gt;
    this.openElement(input, nameStart, nameEnd, end, (attributes & DECLARES_PREFIX) !== 0);
    this.textStart = gt + 1;
    if (selfClosing) this.closeElement(input, gt + 1);
    return this.textFrom(input, gt + 1);
  }

  /** Text starts at `pos` after a tag; inside a series, what vCenter writes there is read at once. */
  private textFrom(input: Buffer, pos: number): number {
    this.textStart = this.series && this.path.length === 5 ? this.readSeries(input, this.series, pos) : pos;
    return this.textStart;
  }

  /**
   * Reads the bytes vCenter writes inside a series without the tag machinery: the id right after
   * the series opens, `<id><counterId>N</counterId><instance>I</instance></id>`, then
   * `<value>V</value>` for each sample. Four tags in five of a response are these. Anything
   * else (prefixes, whitespace, references, the end of the input) is left to `tag`; returns where
   * that takes over.
   */
  private readSeries(input: Buffer, series: Series, from: number): number {
    let pos = from;
    if (series.counterId < 0 && startsWith(input, pos, '<id><counterId>')) {
      let at = pos + 15;
      const digits = at;
      let counterId = 0;
      for (; at < input.length && input[at] >= 48 && input[at] <= 57 && at - digits < 15; at++)
        counterId = counterId * 10 + input[at] - 48;
      if (at > digits && startsWith(input, at, '</counterId><instance>')) {
        at += 22;
        const instanceStart = at;
        at = textEnd(input, at);
        if (startsWith(input, at, '</instance></id>')) {
          const instance = input.toString('utf8', instanceStart, at);
          series.counterId = counterId;
          // vcsim does not expand "*" and echoes it back; its single series is the aggregate.
          series.instance = instance === '*' ? '' : instance;
          pos = at + 16;
        }
      }
    }
    while (startsWith(input, pos, '<value>')) {
      const end = textEnd(input, pos + 7);
      if (!startsWith(input, end, '</value>')) break;
      this.pushValue(input, pos + 7, end);
      pos = end + 8;
    }
    return pos;
  }

  /**
   * A comment, CDATA section or processing instruction from `lt` to `next` (-1: not complete yet):
   * the element's text before it is kept, decoded, and its text goes on after it.
   */
  private between(input: Buffer, lt: number, next: number): number {
    if (next < 0) return -1;
    if (lt > this.textStart) this.textBefore += decodeEntities(input.toString('utf8', this.textStart, lt));
    this.textStart = next;
    return next;
  }

  private openElement(
    input: Buffer,
    nameStart: number,
    nameEnd: number,
    attributesEnd: number,
    declaresPrefix: boolean,
  ): void {
    const id = elementId(input, nameStart, nameEnd);
    let attributes = '';
    if (nameEnd < attributesEnd) {
      if (declaresPrefix || this.needsAttributes(id)) {
        attributes = input.toString('utf8', nameEnd, attributesEnd);
      }
      if (declaresPrefix) {
        for (const [, declared, uri] of attributes.matchAll(/xmlns:([\w.-]+)\s*=\s*["']([^"']*)["']/g)) {
          if (uri === XSI_NAMESPACE) this.xsiPrefixes.add(declared);
        }
      }
    }
    this.path.push(id);
    this.names.push(id === OTHER ? input.toString('utf8', nameStart, nameEnd) : NAMES[id]);
    this.textBefore = '';
    const path = this.path;
    const depth = path.length;
    // Envelope(1) > Body(2) > QueryPerfResponse | Fault (3) > returnval (4) > entity | sampleInfo | value (5) > …
    if (depth === 4 && id === RETURNVAL) {
      const type = this.xsiType(attributes);
      if (type !== undefined && type !== 'PerfEntityMetric') {
        throw new Error(`QueryPerf returned ${type}; vcc asks for format "normal" (PerfEntityMetric)`);
      }
      this.moid = '';
      this.timestamps.length = 0;
      this.timestampEndings.length = 0;
      this.seriesCount = 0;
      this.valuesLength = 0;
      this.boundsLength = 0;
    } else if (depth === 5 && id === VALUE && path[3] === RETURNVAL) {
      const series = (this.seriesList[this.seriesCount] ??= {} as Series);
      series.counterId = -1;
      series.instance = '';
      series.firstValue = this.boundsLength / 2;
      series.valueCount = 0;
      this.series = series;
    } else if (depth === 5 && path[2] === FAULT && path[3] === DETAIL) {
      this.faultType = this.xsiType(attributes) ?? this.names[4].replace(/Fault$/, '');
    }
  }

  /** Attributes are read only where vcc needs xsi:type: the results and a fault's detail. */
  private needsAttributes(id: number): boolean {
    const depth = this.path.length + 1;
    return (depth === 4 && id === RETURNVAL) || (depth === 5 && this.path[2] === FAULT);
  }

  /** Ends the innermost element, whose text runs from `textStart` to `textEnd`. */
  private closeElement(input: Buffer, textEnd: number): void {
    const path = this.path;
    const depth = path.length;
    const id = path.pop()!;
    const name = this.names.pop()!;
    if (path[2] === FAULT || path[1] === FAULT) {
      const text = this.text(input, textEnd);
      if (depth === 4 && id === FAULT_STRING) this.faultString = text;
      else if (depth === 6) this.faultDetail[name] = text;
    } else if (depth === 6 && id === TIMESTAMP && path[4] === SAMPLE_INFO) {
      this.addTimestamp(this.text(input, textEnd));
    } else if (depth === 6 && id === VALUE && this.series && path[4] === VALUE) {
      this.addValue(input, textEnd);
    } else if (depth === 7 && id === COUNTER_ID && this.series) {
      this.series.counterId = Number(this.text(input, textEnd));
    } else if (depth === 7 && id === INSTANCE && this.series) {
      const text = this.text(input, textEnd);
      // vcsim does not expand "*" and echoes it back; its single series is the aggregate.
      this.series.instance = text === '*' ? '' : text;
    } else if (depth === 5 && id === ENTITY) {
      this.moid = this.text(input, textEnd);
    } else if (depth === 5 && id === VALUE && this.series) {
      this.seriesCount++;
      this.series = undefined;
    } else if (depth === 4 && id === RETURNVAL) {
      this.emitEntity();
    }
    this.textBefore = '';
  }

  /** The element's text, decoded. */
  private text(input: Buffer, textEnd: number): string {
    const start = this.textStart;
    const raw = textEnd > start ? input.toString('utf8', start, textEnd) : '';
    return this.textBefore + (raw.includes('&') ? decodeEntities(raw) : raw);
  }

  /** Keeps a sample value's bytes for the lines; values with references or CDATA are decoded first. */
  private addValue(input: Buffer, textEnd: number): void {
    const start = this.textStart;
    let plain = this.textBefore === '';
    for (let i = start; plain && i < textEnd; i++) if (input[i] === AMPERSAND) plain = false;
    if (plain) return this.pushValue(input, start, textEnd);
    const text = this.text(input, textEnd);
    this.reserveValues(Buffer.byteLength(text));
    const from = this.valuesLength;
    this.valuesLength += this.workspace.values.write(text, from);
    this.valueBounds[this.boundsLength++] = from;
    this.valueBounds[this.boundsLength++] = this.valuesLength;
    this.series!.valueCount++;
  }

  private pushValue(input: Buffer, start: number, end: number): void {
    this.reserveValues(end - start);
    // Values are a few bytes: a loop copies them faster than Buffer#copy's native call.
    const values = this.workspace.values;
    const from = this.valuesLength;
    let at = from;
    for (let i = start; i < end; i++) values[at++] = input[i];
    this.valuesLength = at;
    this.valueBounds[this.boundsLength++] = from;
    this.valueBounds[this.boundsLength++] = at;
    this.series!.valueCount++;
  }

  private reserveValues(length: number): void {
    const workspace = this.workspace;
    if (this.valuesLength + length <= workspace.values.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.valuesLength + length, workspace.values.length * 2));
    workspace.values.copy(grown, 0, 0, this.valuesLength);
    workspace.values = grown;
  }

  private addTimestamp(text: string): void {
    let cached = this.timestampCache.get(text);
    if (cached === undefined) {
      const seconds = Math.floor(Date.parse(text) / 1000);
      if (Number.isNaN(seconds)) throw new Error(`unreadable sample timestamp "${text}"`);
      cached = { seconds, ending: Buffer.from(` ${seconds}\n`) };
      this.timestampCache.set(text, cached);
    }
    this.timestamps.push(cached.seconds);
    this.timestampEndings.push(cached.ending);
  }

  private xsiType(attributes: string): string | undefined {
    if (!attributes) return undefined;
    for (const prefix of this.xsiPrefixes) {
      const value = attribute(attributes, `${prefix}:type`);
      if (value !== undefined) return value.slice(value.indexOf(':') + 1);
    }
    return undefined;
  }

  private targetsOf(fields: ReadonlyMap<number, CounterField>): Map<number, FieldTarget> {
    let targets = this.targets.get(fields);
    if (!targets) {
      targets = new Map(
        [...fields].map(([counterId, f]) => [
          counterId,
          {
            measurement: f.measurement,
            key: Buffer.from(`${f.field}=`),
            field: f,
            tagging: `${f.instanceKeys.join(',')}|${f.aggregate}|${f.unbracket}`,
          },
        ]),
      );
      this.targets.set(fields, targets);
    }
    return targets;
  }

  /** One line per (measurement, instance, timestamp) with every field that has a value (vCenter's -1 means none). */
  private emitEntity(): void {
    const entity = this.entities.get(this.moid);
    if (!entity) {
      this.result.unknownSeries += this.seriesCount;
      return;
    }
    const targets = this.targetsOf(entity.fields);
    const sampleCount = this.timestamps.length;
    const groups: { target: FieldTarget; instance: string; targets: FieldTarget[]; series: Series[] }[] = [];
    for (let s = 0; s < this.seriesCount; s++) {
      const series = this.seriesList[s];
      const target = targets.get(series.counterId);
      if (!target) {
        this.result.unknownSeries++;
        continue;
      }
      if (series.valueCount !== sampleCount) {
        this.result.misalignedSeries++;
        continue;
      }
      let group: (typeof groups)[number] | undefined;
      for (const g of groups)
        if (
          g.target.measurement === target.measurement &&
          g.target.tagging === target.tagging &&
          g.instance === series.instance
        )
          group = g;
      if (!group) {
        group = { target, instance: series.instance, targets: [], series: [] };
        groups.push(group);
      }
      group.targets.push(target);
      group.series.push(series);
    }
    let newest = this.result.lastSampleByEntity[this.moid] ?? -Infinity;
    let slots: TagSlots | undefined;
    for (const group of groups) {
      const field = group.target.field;
      const instance = group.instance === '' ? field.aggregate : group.instance;
      let head = group.target.measurement + entity.tags;
      if (instance !== '') {
        const value = escapeTag(field.unbracket ? instance.replace(/^<|>$/g, '') : instance);
        slots ??= tagSlots(entity.tags);
        head = lineHead(
          group.target.measurement,
          entity.tags,
          slots,
          field.instanceKeys.map((key) => [key, value] as const),
        );
      }
      const line = this.emitGroup(head, group.targets, group.series);
      if (line > newest) newest = line;
    }
    if (newest > -Infinity) this.result.lastSampleByEntity[this.moid] = newest;
  }

  /**
   * Writes the lines of one measurement and instance: `<head> <key>=<value>i,… <seconds>\n` for every
   * sample with a value, the value bytes copied as vCenter wrote them (percentages as
   * `<value / 100>`, a float). Returns the newest sample time written, or -Infinity.
   */
  private emitGroup(head: string, targets: FieldTarget[], series: Series[]): number {
    const values = this.workspace.values;
    const bounds = this.valueBounds;
    const headLength = Buffer.byteLength(head);
    let room = 0;
    for (let s = 0; s < series.length; s++) {
      const { firstValue, valueCount } = series[s];
      if (valueCount === 0) continue;
      const valueBytes = bounds[(firstValue + valueCount) * 2 - 1] - bounds[firstValue * 2];
      // A percentage may take a "0." more than its digits; an integer takes its "i".
      room += valueCount * (targets[s].key.length + 4) + valueBytes;
    }
    for (const ending of this.timestampEndings) room += headLength + 1 + ending.length;
    this.reserveOut(room);
    const out = this.workspace.out;
    let at = this.outLength;
    /** Where this group's head was written first; later lines copy it from there. */
    let headAt = -1;
    let newest = -Infinity;
    for (let i = 0; i < this.timestamps.length; i++) {
      const lineStart = at;
      if (headAt < 0) {
        at += out.write(head, at);
      } else {
        out.copyWithin(at, headAt, headAt + headLength);
        at += headLength;
      }
      let fields = 0;
      for (let s = 0; s < series.length; s++) {
        const valueAt = (series[s].firstValue + i) * 2;
        const start = bounds[valueAt];
        const end = bounds[valueAt + 1];
        // vCenter writes -1 where it has no sample; values are integers, so a sign means no data.
        if (start === end || values[start] === MINUS) continue;
        out[at++] = fields === 0 ? SPACE : COMMA;
        const target = targets[s];
        const key = target.key;
        for (let k = 0; k < key.length; k++) out[at++] = key[k];
        if (target.field.percent) at = writeHundredths(out, at, values, start, end);
        else {
          for (let k = start; k < end; k++) out[at++] = values[k];
          out[at++] = INTEGER_SUFFIX;
        }
        fields++;
      }
      if (fields === 0) {
        at = lineStart;
        continue;
      }
      if (headAt < 0) headAt = lineStart;
      const ending = this.timestampEndings[i];
      for (let k = 0; k < ending.length; k++) out[at++] = ending[k];
      this.result.points += fields;
      this.result.lineCount++;
      if (this.timestamps[i] > newest) newest = this.timestamps[i];
    }
    this.outLength = at;
    return newest;
  }

  private reserveOut(length: number): void {
    const workspace = this.workspace;
    if (this.outLength + length <= workspace.out.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.outLength + length, workspace.out.length * 2));
    workspace.out.copy(grown, 0, 0, this.outLength);
    workspace.out = grown;
  }
}

/**
 * Writes the unsigned integer `digits[start, end)` divided by 100 as the shortest decimal, e.g. 2150
 * → 21.5, 5 → 0.05, 300 → 3: exact, by moving the decimal point, and the same number Go's
 * float64(v) / 100 prints as (a correctly rounded division lands on the double nearest the decimal).
 * Returns the index after it.
 */
function writeHundredths(out: Buffer, at: number, digits: Buffer, start: number, end: number): number {
  let first = start;
  while (first < end - 1 && digits[first] === ZERO) first++;
  const length = end - first;
  if (length <= 2) out[at++] = ZERO;
  else for (let k = first; k < end - 2; k++) out[at++] = digits[k];
  const tens = length >= 2 ? digits[end - 2] : ZERO;
  const ones = digits[end - 1];
  if (ones !== ZERO) {
    out[at++] = DOT;
    out[at++] = tens;
    out[at++] = ones;
  } else if (tens !== ZERO) {
    out[at++] = DOT;
    out[at++] = tens;
  }
  return at;
}

/** The id of the element named by `input[start, end)`, OTHER when the parser does not act on it. */
function elementId(input: Buffer, start: number, end: number): number {
  const ids = IDS_BY_LENGTH[end - start];
  if (ids === undefined) return OTHER;
  for (const id of ids) {
    const name = NAME_BYTES[id];
    let i = 0;
    while (i < name.length && input[start + i] === name[i]) i++;
    if (i === name.length) return id;
  }
  return OTHER;
}

function startsWith(input: Buffer, at: number, prefix: string): boolean {
  if (input.length - at < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (input[at + i] !== prefix.charCodeAt(i)) return false;
  return true;
}

/** Where plain text from `from` ends: at the next `<`, or at a reference, which the fast path leaves to `tag`. */
function textEnd(input: Buffer, from: number): number {
  let at = from;
  while (at < input.length && input[at] !== LT && input[at] !== AMPERSAND) at++;
  return at;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 9 || code === 13;
}

function isBlank(bytes: Buffer): boolean {
  for (const code of bytes) if (!isSpace(code)) return false;
  return true;
}

/** The index after `terminator` found from `from`, or -1 when it is not in the input yet. */
function after(input: Buffer, terminator: string, from: number): number {
  const at = input.indexOf(terminator, from);
  return at < 0 ? -1 : at + terminator.length;
}

const UNBALANCED_QUOTES = 1;
const DECLARES_PREFIX = 2;

/**
 * What a tag's attribute bytes hold, in one pass: a quote left open (the tag's '>' is in a value),
 * and a namespace prefix declaration (`xmlns:` outside values).
 */
function scanAttributes(input: Buffer, from: number, to: number): number {
  let quote = 0;
  let found = 0;
  for (let i = from; i < to; i++) {
    const code = input[i];
    if (quote !== 0) {
      if (code === quote) quote = 0;
    } else if (code === 34 || code === 39) {
      quote = code;
    } else if (code === 120 /* x */ && startsWith(input, i, 'xmlns:')) {
      found = DECLARES_PREFIX;
    }
  }
  return quote === 0 ? found : found | UNBALANCED_QUOTES;
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
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g, (_, entity: string) =>
    entity[0] === '#'
      ? String.fromCodePoint(
          entity[1] === 'x' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10),
        )
      : NAMED_ENTITIES[entity],
  );
}
