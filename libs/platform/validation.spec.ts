import { MAX_INPUT_DEPTH, inputProblem } from './validation';

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = { a: value };
  return value;
}

describe('inputProblem', () => {
  it('accepts ordinary input', () => {
    expect(
      inputProblem({ name: 'vc01', tags: ['a', 'b'], count: 3, ratio: 0.5, note: null }),
    ).toBeUndefined();
    expect(inputProblem(nested(MAX_INPUT_DEPTH - 1))).toBeUndefined();
  });

  it('names the field holding a NUL character, in a value or in a key', () => {
    expect(inputProblem({ filters: { include: ['/dc1', 'a\0b'] } })?.field).toBe('filters.include.1');
    expect(inputProblem({ fields: { 'x\0': 1 } })?.field).toBe('fields.x\0');
    expect(inputProblem('a\0')?.field).toBe('body');
  });

  it('names a number JavaScript cannot hold exactly', () => {
    expect(inputProblem({ stats: { points: 1e20 } })).toEqual({
      field: 'stats.points',
      problems: [`stats.points must be a number within ±${Number.MAX_SAFE_INTEGER}`],
    });
    expect(inputProblem({ points: Number.MAX_SAFE_INTEGER })).toBeUndefined();
  });

  it('stops at the depth limit without walking further, however deep the input', () => {
    const problem = inputProblem({ tls: nested(100_000) });
    expect(problem?.field).toBe(['tls', ...Array<string>(MAX_INPUT_DEPTH - 1).fill('a')].join('.'));
    expect(problem?.problems).toEqual([`${problem?.field} is nested deeper than ${MAX_INPUT_DEPTH} levels`]);
  });
});
