import { escapeHtml, html, jsonBlock, query } from './html';

describe('html', () => {
  it('escapes every interpolated value, in text and in attributes', () => {
    const name = `<script>alert("x")</script>' & more`;
    expect(html`<td title="${name}">${name}</td>`.text).toBe(
      '<td title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; &amp; more">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; &amp; more</td>',
    );
  });

  it('keeps Html built by the template, joins arrays, and shows nothing for null, undefined and false', () => {
    const cells = ['a<b', 'c'].map((text) => html`<td>${text}</td>`);
    // prettier-ignore
    const row = html`<tr>${cells}${null}${undefined}${false}${0}</tr>`;
    expect(row.text).toBe('<tr><td>a&lt;b</td><td>c</td>0</tr>');
  });

  it('writes JSON that cannot close its script element and reads back unchanged', () => {
    const data = { name: '</script><script>alert(1)</script>', n: 1 };
    const block = jsonBlock('chart-data', data).text;
    expect(block).not.toContain('</script><script>');
    const json = /^<script type="application\/json" id="chart-data">(.*)<\/script>$/.exec(block)![1];
    expect(JSON.parse(json)).toEqual(data);
  });

  it('builds query strings of the set parameters only', () => {
    expect(query({ day: '2026-11-28', vcenter: undefined, name: 'a&b c', offset: 0, pool: '' })).toBe(
      '?day=2026-11-28&name=a%26b+c&offset=0',
    );
    expect(query({})).toBe('');
    expect(escapeHtml('"&')).toBe('&quot;&amp;');
  });
});
