import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.js';
import { buildModel } from './model.js';
import { handReport, hostileInput, JOURNAL } from './test-support.js';

/** The lines of one `## section`, up to the next one. */
function section(md: string, title: string): string[] {
  const lines = md.split('\n');
  const from = lines.indexOf(`## ${title}`);
  expect(from, title).toBeGreaterThanOrEqual(0);
  const to = lines.findIndex((l, i) => i > from && l.startsWith('## '));
  return lines.slice(from + 1, to === -1 ? undefined : to).filter((l) => l !== '');
}

describe('the markdown report', () => {
  const md = renderMarkdown(buildModel(hostileInput()));

  it('opens with the verdict: thresholds and invariants together', () => {
    expect(md.split('\n').slice(0, 3)).toEqual([
      '# GhostPass test report: hand',
      '',
      '**FAILED**: 2 of 3 thresholds met; 1 of 2 invariants hold; violated: I3',
    ]);
    const clean = renderMarkdown(
      buildModel({
        report: handReport({ passed: true, thresholds: [] }),
        records: JOURNAL,
        invariants: [],
      }),
    );
    expect(clean).toContain('**PASSED**: 0 of 0 thresholds met; no invariants were checked');
  });

  it('thresholds, and the over-time table per operation from the journal', () => {
    expect(section(md, 'Thresholds')).toContain('| failure rate | 30.00 % | &lt; 0.50 % | FAIL |');
    const over = section(md, 'Over time');
    expect(over).toContain('| 0 | 24.0 | 24.0 | 0.400 | 0 | 0.200 | 1 |');
    expect(over).toContain('| 10 | 24.0 | 6.0 | 1.000 | 1 | 0.300 | 4 |');
    expect(over).not.toContain('### funding');
  });

  it('every invariant, and the offending rows of a violated one as a table', () => {
    const inv = section(md, 'Invariants');
    expect(inv).toContain('| I1 | no negative balance | holds | 0 | — |  |');
    expect(inv).toContain(
      '| I3 | no duplicate entries | VIOLATED | 31 | — | pipes \\| and newlines |',
    );
    expect(inv).toContain('### I3 no duplicate entries: 31 offending rows (the first 2)');
    expect(inv).toContain('| wallet\\_binding\\_id | entry\\_number | meta |');
    expect(inv).toContain('| wallet\\_test\\_7 | null |  |');
    // A holding invariant has no sample table.
    expect(inv.filter((l) => l.startsWith('### '))).toHaveLength(1);
  });

  it('devices with their peak queue, their ups and downs, collisions and notes', () => {
    const dev = section(md, 'Devices');
    expect(dev).toContain(
      '| door-2 | entry-scanner | virtual | virtual-serial | usb-cdc-qr | 100 | up | 1 | 0.5 | 1 | 2 |',
    );
    expect(dev).toContain('| 16.0 | door-1 | offline | lost |');
    expect(section(md, 'Deliberate collisions')).toContain(
      '| two-doors | 1 | 1 | declined 1 | — | — |',
    );
    const notes = section(md, 'Notes');
    expect(notes).toContain('- 1 journal records were not understood by this report and skipped');
    expect(notes.some((n) => n.includes('3 sojourn values over time are censored'))).toBe(true);
  });

  it('a mixed run lists its physical readers’ scans; a virtual one does not', () => {
    expect(md).not.toContain('physical readers');
    const report = handReport();
    report.operations.entry.bySource.physical = {
      ...report.operations.entry.bySource.virtual,
      planned: 7,
      performed: 6,
    };
    const mixed = renderMarkdown(buildModel({ report, records: JOURNAL, invariants: [] }));
    expect(section(mixed, 'Latency (seconds)')).toContain('| entry | 7 | 6 | 0.400 | 0.400 |');
  });

  it('a report-only invariant shows its rows but does not fail the run', () => {
    const audit = {
      id: 'I12',
      name: 'audit logged',
      ok: true,
      reportOnly: true,
      count: 9,
      ms: 12.4,
      sample: [{ problem: 'no audit row', tx: 't1' }],
    };
    const report = handReport({ passed: true, thresholds: [] });
    const out = renderMarkdown(buildModel({ report, records: JOURNAL, invariants: [audit] }));
    expect(out).toContain('**PASSED**: 0 of 0 thresholds met; 1 of 1 invariants hold');
    const inv = section(out, 'Invariants');
    expect(inv).toContain('| I12 | audit logged | reported (not judged) | 9 | 12 |  |');
    expect(inv).toContain('| no audit row | t1 |');
  });
});
