import { describe, expect, it } from 'vitest';
import { cellText, escapeHtml, escapeMarkdown, jsonForScript } from './escape.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { buildModel } from './model.js';
import { HOSTILE, hostileInput } from './test-support.js';

describe('escaping', () => {
  it('HTML text cannot open a tag or end an attribute', () => {
    expect(escapeHtml(`${HOSTILE}"'&`)).toBe(
      '&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;',
    );
  });

  it('JSON in a script element cannot end it, and parses back to the same value', () => {
    const value = { wallet: HOSTILE, comment: '<!-- x -->', sep: '\u2028\u2029', amp: 'a&b' };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('markdown cells keep to one cell and show markup as text', () => {
    expect(escapeMarkdown('a|b\nc <img> *x* [l](u) `c`')).toBe(
      'a\\|b c &lt;img&gt; \\*x\\* \\[l\\](u) \\`c\\`',
    );
  });

  it('sample values of any type become one line of text', () => {
    expect(cellText(null)).toBe('null');
    expect(cellText(undefined)).toBe('');
    expect(cellText(12n)).toBe('12');
    expect(cellText({ a: [1, 'x'] })).toBe('{"a":[1,"x"]}');
    expect(cellText('x'.repeat(200))).toHaveLength(160);
  });

  it('a hostile wallet id, reason and note never reach either report as markup', () => {
    const m = buildModel(hostileInput());
    const html = renderHtml(m);
    // The three script elements the page has, and no fourth end tag from a value.
    expect(html.match(/<\/script/gi)).toHaveLength(3);
    expect(html).not.toMatch(/<img/i);
    expect(html).toContain('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    const json = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(html);
    expect(json).not.toBeNull();
    const data = JSON.parse(json?.[1] ?? '') as {
      charts: { id: string; config: { data: { datasets: { label: string }[] } } }[];
    };
    const queue = data.charts.find((c) => c.id === 'queue');
    expect(queue?.config.data.datasets.map((d) => d.label)).toContain(`door-${HOSTILE}`);

    const md = renderMarkdown(m);
    expect(md).not.toMatch(/<img|<\/script|<b>/i);
    expect(md).toContain('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    const sampleRow = md.split('\n').find((l) => l.startsWith('| &lt;/script'));
    // One row of the I3 sample table: 3 cells, so 4 unescaped pipes.
    expect(sampleRow?.replace(/\\\|/g, '').match(/\|/g)).toHaveLength(4);
  });
});
