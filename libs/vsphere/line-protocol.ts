/**
 * InfluxDB line protocol escaping (https://docs.influxdata.com/influxdb/v1/write_protocols/line_protocol_reference/):
 * measurements escape commas and spaces; tag keys, tag values and field keys escape commas, equals
 * signs and spaces. Backslashes are escaped too so that a trailing one cannot swallow a delimiter.
 */
export function escapeMeasurement(name: string): string {
  return /[\\, \n]/.test(name) ? name.replace(/[\\, ]/g, '\\$&').replace(/\n/g, '\\n') : name;
}

export function escapeTag(text: string): string {
  return /[\\,= \n]/.test(text) ? text.replace(/[\\,= ]/g, '\\$&').replace(/\n/g, '\\n') : text;
}

/**
 * A tag set rendered once and reused for every line of an entity. Keys are written sorted, as
 * InfluxDB recommends; `instance` (per vCPU, disk or NIC) is slotted in per line.
 */
export interface EntityTags {
  /** `,key=value` pairs whose keys sort before `instance`. */
  beforeInstance: string;
  /** `,key=value` pairs whose keys sort after `instance`. */
  afterInstance: string;
}

export function entityTags(tags: Record<string, string | null | undefined>): EntityTags {
  const rendered = Object.entries(tags)
    .filter(
      (entry): entry is [string, string] => entry[1] !== null && entry[1] !== undefined && entry[1] !== '',
    )
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => ({ key, text: `,${escapeTag(key)}=${escapeTag(value)}` }));
  return {
    beforeInstance: rendered
      .filter((tag) => tag.key < 'instance')
      .map((tag) => tag.text)
      .join(''),
    afterInstance: rendered
      .filter((tag) => tag.key > 'instance')
      .map((tag) => tag.text)
      .join(''),
  };
}

/** `<measurement><tags>[,instance=<instance>] <fields> <timestamp>`; instance "" is the aggregate and gets no tag. */
export function lineHead(measurement: string, tags: EntityTags, instance: string): string {
  const instanceTag = instance === '' ? '' : `,instance=${escapeTag(instance)}`;
  return `${measurement}${tags.beforeInstance}${instanceTag}${tags.afterInstance}`;
}
