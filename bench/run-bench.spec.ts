import { withSection } from './run-bench';

describe('withSection', () => {
  const section = (name: string, body: string): string => `## npm run bench:${name}\n\n${body}\n`;

  it('starts the document with its header and the first section', () => {
    const document = withSection('', 'events', section('events', 'one'));
    expect(document.startsWith('# Benchmarks\n')).toBe(true);
    expect(document.endsWith('## npm run bench:events\n\none\n')).toBe(true);
  });

  it("replaces only the named bench's section and keeps the sections sorted by name", () => {
    let document = withSection('', 'events', section('events', 'old events'));
    document = withSection(document, 'aggregator', section('aggregator', 'aggregator figures'));
    document = withSection(document, 'events', section('events', 'new events'));
    expect(document).not.toContain('old events');
    expect(document.indexOf('## npm run bench:aggregator')).toBeLessThan(
      document.indexOf('## npm run bench:events'),
    );
    expect(document.match(/## npm run bench:/g)).toHaveLength(2);
    expect(document).toContain('aggregator figures');
    expect(document).toContain('new events');
  });
});
