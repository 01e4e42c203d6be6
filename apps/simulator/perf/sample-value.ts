import { COUNTER_BY_NAME } from './counters';

/**
 * The value of every sample the simulator serves, as a pure function of (moref, counter, instance,
 * timestamp): tests recompute it for every point that reaches a time-series database. Values are
 * integers in the counter's unit as vCenter reports them: percent in hundredths (0..10000), MHz, KB,
 * KBps, ms, µs or a count, with a daily cycle, a per-series level and per-sample noise.
 *
 * @param moref e.g. "vm-42"
 * @param counter `group.name.rollup`, e.g. "cpu.usage.average"
 * @param instance "" for the aggregate, else e.g. "0", "scsi0:1", "4000"
 * @param timestampSeconds the sample's timestamp (end of its interval), in Unix seconds
 */
export function sampleValue(
  moref: string,
  counter: string,
  instance: string,
  timestampSeconds: number,
): number {
  const { sin, cos } = timeOfDay(timestampSeconds);
  return seriesSampler(moref, counter, instance)(timestampSeconds, sin, cos);
}

/**
 * sampleValue with the per-series work done once, for QueryPerf: it calls the sampler per sample
 * with the time of day's sine and cosine, computed once per timestamp for all series.
 */
export type Sampler = (timestampSeconds: number, daySin: number, dayCos: number) => number;

/** Where a timestamp falls in its (UTC) day, as the sine and cosine of an angle. */
export function timeOfDay(timestampSeconds: number): { sin: number; cos: number } {
  const angle = (2 * Math.PI * ((timestampSeconds >>> 0) % 86_400)) / 86_400;
  return { sin: Math.sin(angle), cos: Math.cos(angle) };
}

export function seriesSampler(moref: string, counter: string, instance: string): Sampler {
  const datastoreSpace = DATASTORE_SPACE[counter];
  if (datastoreSpace) return datastoreSampler(moref, datastoreSpace);
  const profile = profileOf(counter);
  const seed = hashString(`${moref}\u0000${counter}\u0000${instance}`);
  const level = profile.min + (profile.max - profile.min) * unit(mix(seed ^ 0x5bd1e995));
  const phase = 2 * Math.PI * unit(mix(seed ^ 0x27d4eb2f));
  // sin(day + phase), expanded so that the day's part is computed once for every series.
  const dailySin = profile.daily * Math.cos(phase);
  const dailyCos = profile.daily * Math.sin(phase);
  const { noise, cap } = profile;
  return (timestampSeconds, daySin, dayCos) => {
    const cycle = 1 + daySin * dailySin + dayCos * dailyCos;
    const jitter = 1 + noise * (2 * unit(mix(seed ^ Math.imul(timestampSeconds >>> 0, 0x9e3779b1))) - 1);
    const value = Math.round(level * cycle * jitter);
    return value < 0 ? 0 : value > cap ? cap : value;
  };
}

interface Profile {
  min: number;
  max: number;
  /** Amplitude of the daily cycle, as a fraction of the series level. */
  daily: number;
  /** Amplitude of the per-sample noise, as a fraction. */
  noise: number;
  cap: number;
}

const NO_CAP = Number.MAX_SAFE_INTEGER;

function profileOf(counter: string): Profile {
  const info = COUNTER_BY_NAME.get(counter);
  const unitName = info?.unit ?? 'number';
  switch (unitName) {
    case 'percent':
      return { min: 200, max: 6000, daily: 0.4, noise: 0.25, cap: 10_000 };
    case 'megaHertz':
      return { min: 50, max: 4000, daily: 0.4, noise: 0.25, cap: NO_CAP };
    case 'kiloBytes':
      return { min: 262_144, max: 16_777_216, daily: 0.1, noise: 0.05, cap: NO_CAP };
    case 'megaBytes':
      return { min: 1024, max: 524_288, daily: 0.05, noise: 0.02, cap: NO_CAP };
    case 'kiloBytesPerSecond':
      return { min: 5, max: 40_000, daily: 0.5, noise: 0.6, cap: NO_CAP };
    case 'second':
      // Uptime: days to months, barely moving within a day.
      return { min: 86_400, max: 8_640_000, daily: 0, noise: 0, cap: NO_CAP };
    case 'watt':
      return { min: 20, max: 600, daily: 0.3, noise: 0.1, cap: NO_CAP };
    case 'microsecond':
      return { min: 200, max: 20_000, daily: 0.3, noise: 0.5, cap: NO_CAP };
    case 'millisecond':
      // Summations add up milliseconds over the interval (cpu.ready); averages are latencies.
      return info?.statsType === 'delta'
        ? { min: 10, max: 1500, daily: 0.3, noise: 0.5, cap: NO_CAP }
        : { min: 1, max: 25, daily: 0.3, noise: 0.5, cap: NO_CAP };
    default:
      if (info?.rollup === 'latest') return { min: 0, max: 32, daily: 0.3, noise: 0.5, cap: NO_CAP };
      return info?.statsType === 'delta'
        ? { min: 10, max: 60_000, daily: 0.5, noise: 0.5, cap: NO_CAP }
        : { min: 1, max: 3000, daily: 0.5, noise: 0.5, cap: NO_CAP };
  }
}

// A datastore's space counters hang together: provisioned ≥ used ≤ capacity, capacity constant.
type DatastoreSpace = 'capacity' | 'used' | 'provisioned' | 'unshared';
const DATASTORE_SPACE: Record<string, DatastoreSpace | undefined> = {
  'disk.capacity.latest': 'capacity',
  'disk.used.latest': 'used',
  'disk.provisioned.latest': 'provisioned',
  'disk.unshared.latest': 'unshared',
};
const TB_IN_KB = 1024 ** 3;

function datastoreSampler(moref: string, counter: DatastoreSpace): Sampler {
  const seed = hashString(moref);
  const capacity = (8 + Math.floor(unit(mix(seed)) * 57)) * TB_IN_KB;
  if (counter === 'capacity') return () => capacity;
  const phase = 2 * Math.PI * unit(mix(seed ^ 0x27d4eb2f));
  const factor = { used: 1, provisioned: 1.35, unshared: 0.95 }[counter];
  const fillSin = 0.2 * Math.cos(phase);
  const fillCos = 0.2 * Math.sin(phase);
  return (_timestampSeconds, daySin, dayCos) =>
    Math.round(capacity * (0.55 + daySin * fillSin + dayCos * fillCos) * factor);
}

/** FNV-1a over UTF-16 code units, then a final mix. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return mix(hash);
}

/** murmur3's fmix32: spreads every input bit over the output. */
function mix(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function unit(value: number): number {
  return value / 4294967296;
}
