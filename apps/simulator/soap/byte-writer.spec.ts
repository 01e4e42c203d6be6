import { ByteWriter } from './byte-writer';

describe('ByteWriter', () => {
  it('writes text, bytes and integers, growing as needed', () => {
    const out = new ByteWriter(4);
    out.text('<a>é');
    out.int(0);
    out.int(-12);
    out.int(9_007_199_254_740_991);
    out.bytes(Buffer.from('</a>'));
    expect(out.result().toString()).toBe('<a>é0-129007199254740991</a>');
  });

  it('writes value elements with every digit count', () => {
    const out = new ByteWriter(8);
    const values = [0, 7, 10, 99, 100, 123_456, 10_000_000_000];
    out.elements(Buffer.from('<v>'), Buffer.from('</v>'), values, values.length);
    expect(out.result().toString()).toBe(values.map((v) => `<v>${v}</v>`).join(''));
  });
});
