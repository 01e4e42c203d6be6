import { guardFormula, page, toCsv } from './table';

describe('toCsv', () => {
  it('quotes separators, quotes and line breaks, and writes nulls and dates plainly', async () => {
    const csv = await toCsv(
      [
        {
          name: 'web, "prod"',
          cpus: 2,
          note: 'line1\nline2',
          gone: null,
          at: new Date('2026-11-28T23:00:00Z'),
        },
        { name: 'plain', cpus: 0.5, note: '', gone: undefined, at: null },
      ],
      ['name', 'cpus', 'note', 'gone', 'at'],
    );
    expect(csv).toBe(
      'name,cpus,note,gone,at\r\n' +
        '"web, ""prod""",2,"line1\nline2",,2026-11-28T23:00:00.000Z\r\n' +
        'plain,0.5,,,\r\n',
    );
  });

  it('keeps spreadsheet formulas from running', async () => {
    const csv = await toCsv(
      [
        { name: '=HYPERLINK("http://x","y")' },
        { name: '+1' },
        { name: '-2' },
        { name: '@SUM(A1)' },
        { name: '\tx' },
      ],
      ['name'],
    );
    expect(csv.split('\r\n')).toEqual([
      'name',
      `"'=HYPERLINK(""http://x"",""y"")"`,
      "'+1",
      "'-2",
      "'@SUM(A1)",
      "'\tx",
      '',
    ]);
  });

  it('leaves numbers alone, negative ones too', () => {
    expect(guardFormula(-2)).toBe(-2);
    expect(guardFormula('a=b')).toBe('a=b');
  });
});

describe('page', () => {
  it('says where the next page starts only when there is one', () => {
    expect(page([1, 2, 3], 2, 10)).toEqual({ items: [1, 2], limit: 2, offset: 10, nextOffset: 12 });
    expect(page([1, 2], 2, 10)).toEqual({ items: [1, 2], limit: 2, offset: 10, nextOffset: null });
  });
});
