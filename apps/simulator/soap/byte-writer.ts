/**
 * Builds a response as bytes: for the QueryPerf hot path, where a 200-VM answer holds some 60,000
 * values and building it as a JavaScript string costs more in garbage collection and encoding than
 * in computing the values. Segments are ASCII (or UTF-8 via `text`), integers are written as digits.
 */
export class ByteWriter {
  private buffer: Buffer;
  private length = 0;

  constructor(initialBytes = 1 << 20) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  /** A string, UTF-8 encoded (names may hold any character). */
  text(value: string): void {
    this.reserve(value.length * 3);
    this.length += this.buffer.write(value, this.length, 'utf8');
  }

  /** Bytes prepared ahead, e.g. `<value>`. */
  bytes(segment: Uint8Array): void {
    this.reserve(segment.length);
    const buffer = this.buffer;
    let at = this.length;
    if (segment.length > 64) buffer.set(segment, at);
    else for (let i = 0; i < segment.length; i++) buffer[at++] = segment[i];
    this.length += segment.length;
  }

  /** An integer in decimal. */
  int(value: number): void {
    this.reserve(21);
    const buffer = this.buffer;
    let rest = value;
    if (rest < 0) {
      buffer[this.length++] = 45; // '-'
      rest = -rest;
    }
    let digits = 1;
    for (let scale = 10; scale <= rest; scale *= 10) digits++;
    let at = this.length + digits;
    do {
      buffer[--at] = 48 + (rest % 10);
      rest = Math.floor(rest / 10);
    } while (rest > 0);
    this.length += digits;
  }

  /** `<open>value</close>` for each value: the inner loop of a QueryPerf answer. */
  elements(open: Uint8Array, close: Uint8Array, values: ArrayLike<number>, count: number): void {
    this.reserve(count * (open.length + close.length + 21));
    const buffer = this.buffer;
    let at = this.length;
    for (let v = 0; v < count; v++) {
      for (let i = 0; i < open.length; i++) buffer[at++] = open[i];
      const value = values[v];
      if (value >= 0 && value <= 0x7fffffff) at = writeInt32(buffer, at, value);
      else {
        this.length = at;
        this.int(value);
        at = this.length;
      }
      for (let i = 0; i < close.length; i++) buffer[at++] = close[i];
    }
    this.length = at;
  }

  /** The bytes written so far (a view, not a copy). */
  result(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}

// "00".."99" as ASCII pairs: digits are written two at a time.
const DIGIT_PAIRS = Buffer.from(Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')).join(''));

/** Writes a non-negative int32 in decimal at `at`; returns the position after it. */
function writeInt32(buffer: Buffer, at: number, value: number): number {
  const digits =
    value < 10
      ? 1
      : value < 100
        ? 2
        : value < 1e3
          ? 3
          : value < 1e4
            ? 4
            : value < 1e5
              ? 5
              : value < 1e6
                ? 6
                : value < 1e7
                  ? 7
                  : value < 1e8
                    ? 8
                    : value < 1e9
                      ? 9
                      : 10;
  let end = at + digits;
  let rest = value | 0;
  while (rest >= 100) {
    const quotient = (rest / 100) | 0;
    const pair = (rest - quotient * 100) << 1;
    buffer[--end] = DIGIT_PAIRS[pair + 1];
    buffer[--end] = DIGIT_PAIRS[pair];
    rest = quotient;
  }
  if (rest >= 10) {
    buffer[--end] = DIGIT_PAIRS[(rest << 1) + 1];
    buffer[--end] = DIGIT_PAIRS[rest << 1];
  } else buffer[--end] = 48 + rest;
  return at + digits;
}
