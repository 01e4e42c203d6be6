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
const ENVELOPE_END = '</QueryPerf></soapenv:Body></soapenv:Envelope>';

export function escapeXml(text: string): string {
  return /[&<>"]/.test(text)
    ? text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
    : text;
}

/**
 * A QueryPerf request prepared once per chunk: the entity and metric-id XML of every spec is built
 * here, and each cycle only the time window is filled in. The element order is the vim25 schema's
 * (entity, startTime, endTime, maxSample, metricId*, intervalId, format), as vCenter requires.
 */
export class PreparedQueryPerf {
  private readonly heads: string[];
  private readonly tails: string[];
  readonly morefs: string[];

  constructor(
    perfManager: string,
    readonly specs: PlannedSpec[],
    intervalId: number,
  ) {
    this.morefs = specs.map((spec) => spec.entity.value);
    this.heads = specs.map(
      (spec) =>
        `<querySpec><entity type="${escapeXml(spec.entity.type)}">${escapeXml(spec.entity.value)}</entity>`,
    );
    this.tails = specs.map(
      (spec) =>
        spec.metricIds
          .map(
            (id) =>
              `<metricId><counterId>${id.counterId}</counterId><instance>${escapeXml(id.instance)}</instance></metricId>`,
          )
          .join('') + `<intervalId>${intervalId}</intervalId><format>normal</format></querySpec>`,
    );
    this.heads[0] = `${ENVELOPE_START}<_this type="PerformanceManager">${escapeXml(perfManager)}</_this>${this.heads[0] ?? ''}`;
  }

  /** The request body for this cycle; `window` gives each entity's time window. */
  body(window: (moref: string, index: number) => QueryWindow): string {
    const parts: string[] = [];
    for (let i = 0; i < this.heads.length; i++) {
      const w = window(this.morefs[i], i);
      parts.push(
        this.heads[i],
        w.start ? `<startTime>${w.start.toISOString()}</startTime>` : '',
        `<endTime>${w.end.toISOString()}</endTime>`,
        w.maxSample !== undefined ? `<maxSample>${w.maxSample}</maxSample>` : '',
        this.tails[i],
      );
    }
    parts.push(ENVELOPE_END);
    return parts.join('');
  }
}
