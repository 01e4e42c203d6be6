import type { PlannedSpec } from './query-planner';

/** The query window of one entity in one cycle. */
export interface QueryWindow {
  /** Exclusive: samples after this time (the entity's watermark). Omit for "as far back as vCenter has". */
  start?: Date;
  /** Inclusive: vCenter's current time. */
  end: Date;
  /** The most recent N samples; vcsim returns nothing without it. */
  maxSample?: number;
}

const ENVELOPE_START =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><QueryPerf xmlns="urn:vim25">';
const ENVELOPE_END = Buffer.from('</QueryPerf></soapenv:Body></soapenv:Envelope>');

export function escapeXml(text: string): string {
  return /[&<>"]/.test(text)
    ? text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
    : text;
}

/**
 * A QueryPerf request prepared once per chunk: the entity and metric-id XML of every spec is
 * encoded here, and each cycle only the time window is filled in. The element order is the vim25
 * schema's (entity, startTime, endTime, maxSample, metricId*, intervalId, format), as vCenter
 * requires. Bodies are bytes: a cycle over 10,000 VMs posts about 10 MB of them, and building
 * them as strings each cycle was a good part of the main thread's time and GC (bench/collector).
 */
export class PreparedQueryPerf {
  /** The envelope's start, then per spec the XML before its window and after it, UTF-8. */
  private readonly xml: Buffer;
  /** Per spec, where its XML starts in `xml`, then one more entry: where the last one ends. */
  private readonly starts: number[] = [];
  /** Per spec, where its window goes in `xml`. */
  private readonly windowAt: number[] = [];
  readonly morefs: string[];

  constructor(
    perfManager: string,
    readonly specs: PlannedSpec[],
    intervalId: number,
  ) {
    this.morefs = specs.map((spec) => spec.entity.value);
    const parts = [`${ENVELOPE_START}<_this type="PerformanceManager">${escapeXml(perfManager)}</_this>`];
    let length = Buffer.byteLength(parts[0]);
    for (const spec of specs) {
      const head = `<querySpec><entity type="${escapeXml(spec.entity.type)}">${escapeXml(spec.entity.value)}</entity>`;
      const tail =
        spec.metricIds
          .map(
            (id) =>
              `<metricId><counterId>${id.counterId}</counterId><instance>${escapeXml(id.instance)}</instance></metricId>`,
          )
          .join('') + `<intervalId>${intervalId}</intervalId><format>normal</format></querySpec>`;
      this.starts.push(length);
      length += Buffer.byteLength(head);
      this.windowAt.push(length);
      length += Buffer.byteLength(tail);
      parts.push(head, tail);
    }
    this.starts.push(length);
    // The envelope's start goes with the first spec, so that copying spec 0 from 0 copies it too.
    this.starts[0] = 0;
    this.xml = Buffer.from(parts.join(''));
  }

  /** The request body for this cycle, UTF-8; `window` gives each entity's time window. */
  body(window: (moref: string, index: number) => QueryWindow): Buffer {
    // The entities of a chunk mostly share one window: its XML is encoded once.
    const encoded = new Map<string, Buffer>();
    const windows: Buffer[] = [];
    let length = this.xml.length + ENVELOPE_END.length;
    for (let i = 0; i < this.morefs.length; i++) {
      const w = window(this.morefs[i], i);
      const key = `${w.start?.getTime()}|${w.end.getTime()}|${w.maxSample}`;
      let xml = encoded.get(key);
      if (!xml) {
        xml = Buffer.from(
          (w.start ? `<startTime>${w.start.toISOString()}</startTime>` : '') +
            `<endTime>${w.end.toISOString()}</endTime>` +
            (w.maxSample !== undefined ? `<maxSample>${w.maxSample}</maxSample>` : ''),
        );
        encoded.set(key, xml);
      }
      windows.push(xml);
      length += xml.length;
    }
    const body = Buffer.allocUnsafe(length);
    let at = 0;
    for (let i = 0; i < windows.length; i++) {
      at += this.xml.copy(body, at, this.starts[i], this.windowAt[i]);
      at += windows[i].copy(body, at);
      at += this.xml.copy(body, at, this.windowAt[i], this.starts[i + 1]);
    }
    if (windows.length === 0) at += this.xml.copy(body, at);
    ENVELOPE_END.copy(body, at);
    return body;
  }
}
