/** The HTML report's stylesheet: readable on screen and in print, no web fonts (it opens offline). */
export const PAGE_CSS = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
body { margin: 0 auto; max-width: 1200px; padding: 1rem 1.5rem 3rem; color: #1b1b1b; background: #fff; }
header { border-left: 8px solid #888; padding: 0.5rem 1rem; margin-bottom: 1rem; background: #f6f6f6; }
header.pass { border-color: #2ca02c; }
header.fail { border-color: #d62728; }
h1 { font-size: 1.5rem; margin: 0.3rem 0; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
h3 { font-size: 1rem; margin: 1.2rem 0 0.4rem; }
h3.bad { color: #b00; }
.verdict { font-weight: 600; font-size: 1.1rem; }
header ul { margin: 0.3rem 0; padding-left: 1.2rem; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.4rem 0; }
th, td { border: 1px solid #ddd; padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
td { font-variant-numeric: tabular-nums; }
table.sample td { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; white-space: pre-wrap; word-break: break-all; }
.scroll { overflow-x: auto; }
#charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 1rem; }
#charts h2 { grid-column: 1 / -1; }
figure { margin: 0; padding: 0.5rem; border: 1px solid #e4e4e4; border-radius: 4px; break-inside: avoid; }
figure h3 { margin-top: 0; }
.chart { position: relative; height: 280px; }
figcaption { font-size: 0.78rem; color: #555; margin-top: 0.3rem; }
`;
