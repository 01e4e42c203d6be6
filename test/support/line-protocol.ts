/**
 * A strict reader of the line protocol vcc writes, for tests that must prove no line was torn or
 * interleaved. It follows InfluxDB's grammar
 * (https://docs.influxdata.com/influxdb/v1/write_protocols/line_protocol_reference/) and then
 * vcc's own shape, because a torn line can still be valid line protocol: `vsphere` followed by a
 * whole `vsphere_vm_cpu,…` line parses as measurement `vspherevsphere_vm_cpu`.
 */
export interface ParsedLine {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, number>;
  /** Seconds. */
  timestamp: number;
}

const MEASUREMENT = /^vsphere_(vm|host|cluster|datastore)_[A-Za-z]+$/;
const FIELD_KEY = /^[A-Za-z]+(_[A-Za-z]+)*_(average|summation|latest|maximum|minimum|none)$/;
const INTEGER = /^-?\d+i$/;
const FLOAT = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;
/** 2001-09-09 to 2286-11-20: ten digits are seconds; a torn or glued timestamp has more or fewer. */
const SECONDS = /^[1-9]\d{9}$/;

/** Splits at `separator` where it is not escaped by a backslash, keeping the escapes. */
function split(text: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === separator) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

/** Parses one line or throws an Error saying what is wrong with it. */
export function parseLine(line: string): ParsedLine {
  const sections = split(line, ' ');
  if (sections.length !== 3) throw new Error(`${sections.length} space-separated sections instead of 3`);
  const [head, fieldSet, timestamp] = sections;
  const [measurement, ...tagPairs] = split(head, ',');
  if (!MEASUREMENT.test(measurement)) throw new Error(`measurement ${JSON.stringify(measurement)}`);
  const tags: Record<string, string> = {};
  let previousKey = '';
  for (const pair of tagPairs) {
    const kv = split(pair, '=');
    if (kv.length !== 2 || kv[0] === '' || kv[1] === '') throw new Error(`tag ${JSON.stringify(pair)}`);
    const key = unescape(kv[0]);
    if (key <= previousKey) throw new Error(`tag ${key} out of order or repeated`);
    previousKey = key;
    tags[key] = unescape(kv[1]);
  }
  if (!tags.moid || !tags.vcenter) throw new Error('no moid or vcenter tag');
  const fields: Record<string, number> = {};
  for (const pair of split(fieldSet, ',')) {
    const kv = split(pair, '=');
    if (kv.length !== 2 || !FIELD_KEY.test(kv[0])) throw new Error(`field ${JSON.stringify(pair)}`);
    if (!INTEGER.test(kv[1]) && !FLOAT.test(kv[1])) throw new Error(`field value ${JSON.stringify(kv[1])}`);
    if (kv[0] in fields) throw new Error(`field ${kv[0]} repeated`);
    fields[kv[0]] = Number(kv[1].replace(/i$/, ''));
  }
  if (!SECONDS.test(timestamp)) throw new Error(`timestamp ${JSON.stringify(timestamp)}`);
  return { measurement, tags, fields, timestamp: Number(timestamp) };
}

/** Every line of a line-protocol text checked; `rejects` holds the first few bad lines and why. */
export function checkLines(text: string): { lines: number; rejects: string[]; rejected: number } {
  if (text.length > 0 && !text.endsWith('\n')) text += '\n(no newline at the end)\n';
  const lines = text.split('\n');
  lines.pop();
  const rejects: string[] = [];
  let rejected = 0;
  for (const [index, line] of lines.entries()) {
    try {
      parseLine(line);
    } catch (error) {
      rejected++;
      if (rejects.length < 5)
        rejects.push(`line ${index + 1}: ${(error as Error).message}: ${line.slice(0, 200)}`);
    }
  }
  return { lines: lines.length, rejects, rejected };
}
