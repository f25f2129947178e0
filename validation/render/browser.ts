/**
 * Open a report in headless Chromium (Debian `chromium`, driven by playwright-core) and read back
 * what a person would see: console and page errors, any network request (there must be none: the
 * file opens offline), every chart's data as Chart.js holds it (`Chart.getChart(canvas).data`),
 * and optionally a PNG screenshot. Used by the tests and by `example.ts`; playwright-core is a
 * dev dependency, so nothing on the run's path imports this file.
 */
import { pathToFileURL } from 'node:url';

export const CHROMIUM = '/usr/bin/chromium';

// Flags for a container without a GPU or a user namespace sandbox, and without network chatter.
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

export interface ChartReadback {
  canvas: string;
  type: string | null;
  datasets: { label: string; points: number; values: number; reference: boolean }[];
}

export interface PageReadback {
  errors: string[];
  requests: string[];
  charts: ChartReadback[];
  /** `data-charts-ready` on <html>: how many charts the page says it drew. */
  ready: string | null;
  /** Elements only an unescaped value could have made: media, handlers, a 4th script (must be 0). */
  injected: number;
  /** Text of every table cell, for checking that values were shown, not interpreted. */
  cells: string[];
}

// A string, not a function: test transforms may rename or wrap a function's source.
const READ_CHARTS = `(() => {
  const counted = (d) => d.filter((p) => p !== null && p !== undefined &&
    (typeof p === 'number' ? Number.isFinite(p) : p.y !== null && p.y !== undefined)).length;
  return {
    charts: [...document.querySelectorAll('canvas')].map((c) => {
      const chart = window.Chart && window.Chart.getChart(c);
      return {
        canvas: c.id,
        type: chart ? chart.config.type : null,
        datasets: chart ? chart.data.datasets.map((d) => ({ label: String(d.label), points: d.data.length, values: counted(d.data), reference: d.reference === true })) : [],
      };
    }),
    ready: document.documentElement.getAttribute('data-charts-ready'),
    injected: document.querySelectorAll('img, iframe, object, embed, svg, [onerror], [onload]').length
      + Math.max(0, document.scripts.length - 3),
    cells: [...document.querySelectorAll('td')].map((td) => td.textContent),
  };
})()`;

export async function openReport(
  htmlPath: string,
  opts: { screenshot?: string; width?: number } = {},
): Promise<PageReadback> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: opts.width ?? 1280, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning')
        errors.push(`console ${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
    const url = pathToFileURL(htmlPath).href;
    await page.route('**/*', (route) => {
      const u = route.request().url();
      if (u === url) return route.continue();
      requests.push(u);
      return route.abort();
    });
    await page.goto(url, { waitUntil: 'load' });
    const read = (await page.evaluate(READ_CHARTS)) as Omit<PageReadback, 'errors' | 'requests'>;
    if (opts.screenshot) await page.screenshot({ path: opts.screenshot, fullPage: true });
    return { errors, requests, ...read };
  } finally {
    await browser.close();
  }
}
