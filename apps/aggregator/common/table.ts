import { writeToString } from '@fast-csv/format';

/** One page of rows, and where the next one starts (null: this was the last). */
export interface Page<T> {
  items: T[];
  limit: number;
  offset: number;
  nextOffset: number | null;
}

/** Cuts the extra row a query asked for (limit + 1) to learn whether another page follows. */
export function page<T>(rows: T[], limit: number, offset: number): Page<T> {
  const more = rows.length > limit;
  return {
    items: more ? rows.slice(0, limit) : rows,
    limit,
    offset,
    nextOffset: more ? offset + limit : null,
  };
}

/**
 * A spreadsheet opening the CSV runs a cell that starts with one of these as a formula (CSV
 * injection); such text is written with a leading apostrophe, which spreadsheets show as text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function guardFormula(value: unknown): unknown {
  return typeof value === 'string' && FORMULA_START.test(value) ? `'${value}` : value;
}

/**
 * Rows as CSV (RFC 4180 quoting by fast-csv, CRLF line ends), with a header of `columns` in
 * their order; dates as ISO 8601, nulls as empty cells, and text guarded against formulas.
 */
export async function toCsv(rows: Record<string, unknown>[], columns: string[]): Promise<string> {
  const cells = rows.map((row) =>
    columns.map((column) => {
      const value = row[column];
      if (value === null || value === undefined) return '';
      if (value instanceof Date) return value.toISOString();
      return guardFormula(value);
    }),
  );
  return writeToString([columns, ...cells], { rowDelimiter: '\r\n', includeEndRowDelimiter: true });
}
