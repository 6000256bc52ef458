import * as _ from '../../src/report/html';

describe('report/html', () => {
  describe('inline', () => {
    it('should escape HTML and turn links, code and bold into tags', () => {
      expect(_.inline('a <b> & [x](x.md) `c` **d**')).toBe('a &lt;b&gt; &amp; <a href="x.md">x</a> <code>c</code> <strong>d</strong>');
    });
  });

  describe('safeHref', () => {
    it('should allow http(s), fragments and relative paths only', () => {
      const ok = ['https://x.org/a?b#c', 'HTTP://x.org', '#top', 'a.md', 'multi-tpu/index.html', '../x.csv', 'a?b=c:d', 'x#y:z'];
      const bad = ['javascript:alert(1)', 'JaVaScRiPt:x', ' javascript:x', '\u0001javascript:x', 'java\tscript:x', 'data:text/html,x', 'vbscript:x',
        'file:///etc/passwd', '//evil.org/x', '/abs', '\\\\evil', 'http:x', 'https:/x', '', 'a\u0085b'];
      expect(ok.map(_.safeHref)).toEqual(ok);
      expect(bad.filter((h) => _.safeHref(h) !== undefined)).toEqual([]);
    });

    it('should leave a link to an unsafe target as escaped text', () => {
      expect(_.inline('[c](javascript:alert%281%29).tflite')).toBe('[c](javascript:alert%281%29).tflite');
      expect(_.inline('[a](x.md?a&b) [c](javascript:"x")')).toBe('<a href="x.md?a&amp;b">a</a> [c](javascript:&quot;x&quot;)');
    });
  });

  describe('sortKey', () => {
    it('should sort by the leading number of a cell, and not at all by text', () => {
      expect([_.sortKey('12.5x*'), _.sortKey('**4.25**'), _.sortKey('7 (N=2)'), _.sortKey(3), _.sortKey('dp'), _.sortKey(''), _.sortKey(undefined)])
        .toEqual([12.5, 4.25, 7, 3, undefined, undefined, undefined]);
    });
  });

  describe('rebase', () => {
    it('should prefix relative links only', () => {
      const [t, l] = _.rebase([{ kind: 'text', text: '[a](a.md) [w](https://x.org/) [h](#top)' }, { kind: 'list', items: ['[c](c.csv)'] }], 'multi-tpu');
      expect(t).toEqual({ kind: 'text', text: '[a](multi-tpu/a.md) [w](https://x.org/) [h](#top)' });
      expect(l).toEqual({ kind: 'list', items: ['[c](multi-tpu/c.csv)'] });
    });
  });

  describe('renderHtml', () => {
    const html = _.renderHtml({
      title: 'T <1>',
      blocks: [
        { kind: 'heading', level: 1, text: 'T' },
        { kind: 'table', id: 'tab', caption: 'cap', table: { columns: ['name', 'x'], rows: [['a', '2.50x'], ['b', '**1.25**']] } },
        { kind: 'figure', id: 'fig', spec: { mark: 'point', data: { values: [{ s: '</script><script>alert(1)</script>' }] } } },
      ],
    });

    it('should inline vega, vega-lite and vega-embed, so the page needs no network', () => {
      expect(html).not.toMatch(/<script[^>]+src=/);
      expect(html).not.toMatch(/<link[^>]+href=/);
      expect(html).toContain('vegaEmbed');
      expect((html.match(/<script>/g) ?? []).length).toBe(4);
    });

    it('should open with a contents bar when the page has sections, each heading with an id', () => {
      const page = _.renderHtml({
        title: 'T',
        blocks: [
          { kind: 'heading', level: 1, text: 'T' },
          { kind: 'heading', level: 2, text: 'Table **one**', id: 'one' },
          { kind: 'heading', level: 3, text: 'Figures' },
          { kind: 'heading', level: 2, text: 'Figures' },
        ],
      });
      expect(page).toContain('<nav class="toc" aria-label="Contents"><strong>Contents</strong><ul><li class="toc-2"><a href="#one" title="Table one">Table one</a></li>' +
        '<li class="toc-3"><a href="#s-figures" title="Figures">Figures</a></li><li class="toc-2"><a href="#s-figures-2" title="Figures">Figures</a></li></ul></nav>');
      expect(page).toContain('<h3 id="s-figures">Figures</h3>');
      expect(page).toContain('<h2 id="s-figures-2">Figures</h2>');
      expect(html).not.toContain('<nav');
    });

    it('should collapse a table longer than COLLAPSE_ROWS rows unless told not to', () => {
      const rows = Array.from({ length: _.COLLAPSE_ROWS + 1 }, (_x, i) => [i]);
      const long = _.renderHtml({ title: 'T', blocks: [{ kind: 'table', caption: 'c', table: { columns: ['i'], rows } }] });
      expect(long).toContain(`<details class="long-table"><summary>c: ${rows.length} rows (click to show)</summary><div class="table-wrap"><table`);
      expect(_.renderHtml({ title: 'T', blocks: [{ kind: 'table', table: { columns: ['i'], rows }, collapse: false }] })).not.toContain('<details');
      expect(_.renderHtml({ title: 'T', blocks: [{ kind: 'table', table: { columns: ['i'], rows: rows.slice(1) } }] })).not.toContain('<details');
    });

    it('should allow by hash exactly the scripts it writes, and no eval', () => {
      const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!.replace(/&#39;|&quot;/g, "'");
      const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
      const hashes = scripts.map((js) => `'sha256-${require('node:crypto').createHash('sha256').update(js).digest('base64')}'`);
      expect(/script-src ([^;]+)/.exec(csp)![1]!.split(' ')).toEqual(hashes);
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain('unsafe-eval');
      expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<script'));
    });

    it('should keep the specs inside their script element and mark sortable numeric cells', () => {
      expect(html).toContain('\\u003c/script>\\u003cscript>alert(1)\\u003c/script>');
      expect(html).toContain('<table class="sortable" id="tab"><caption>cap</caption>');
      expect(html).toContain('<td data-sort="1.25" class="num"><strong>1.25</strong></td>');
      expect(html).toContain('<title>T &lt;1&gt;</title>');
    });
  });
});
