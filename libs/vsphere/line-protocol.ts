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
 * An entity's tag set, rendered once and reused for every line of the entity: `,key=value` pairs
 * sorted by key, as InfluxDB recommends. The instance tags of a series are slotted in per line head.
 * A string, so that it crosses to the worker threads as it is.
 */
export type EntityTags = string;

export function entityTags(tags: Record<string, string | null | undefined>): EntityTags {
  return Object.entries(tags)
    .filter(
      (entry): entry is [string, string] => entry[1] !== null && entry[1] !== undefined && entry[1] !== '',
    )
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `,${escapeTag(key)}=${escapeTag(value)}`)
    .join('');
}

/** Where each pair of an entity's tags starts, and its key: the slots an instance tag can go in. */
export interface TagSlots {
  keys: string[];
  starts: number[];
}

/**
 * A pair starts at a comma followed by a key and an unescaped `=`: inside a value every `=` is
 * escaped, so a comma there can never be followed by one. vcc's tag keys are plain lowercase words.
 */
const PAIR_START = /,([a-z]+)=/g;

export function tagSlots(tags: EntityTags): TagSlots {
  const keys: string[] = [];
  const starts: number[] = [];
  for (const match of tags.matchAll(PAIR_START)) {
    keys.push(match[1]);
    starts.push(match.index);
  }
  return { keys, starts };
}

/**
 * `<measurement><tags>`: the entity's tags with `extra` (`[key, escaped value]` pairs sorted by key,
 * e.g. the instance) merged in at their places; a key the entity already has keeps its value.
 */
export function lineHead(
  measurement: string,
  tags: EntityTags,
  slots: TagSlots,
  extra: readonly (readonly [string, string])[],
): string {
  if (extra.length === 0) return measurement + tags;
  let head = measurement;
  let from = 0;
  let slot = 0;
  for (const [key, value] of extra) {
    while (slot < slots.keys.length && slots.keys[slot] < key) slot++;
    if (slots.keys[slot] === key) continue;
    const at = slot < slots.starts.length ? slots.starts[slot] : tags.length;
    head += `${tags.slice(from, at)},${key}=${value}`;
    from = at;
  }
  return head + tags.slice(from);
}
