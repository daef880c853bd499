/**
 * The page around the report: one HTML document with its CSS inline and a Content-Security-Policy
 * that forbids every fetch (no script, no external style, image or font), so the page is the same
 * offline, in a mail attachment or behind a firewall.
 */
export const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const CSS = `
:root { color-scheme: light; --ink: #0f172a; --muted: #64748b; --line: #e2e8f0; --card: #fff; --bg: #f1f5f9; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 28px 28px 40px; }
header { display: flex; align-items: flex-end; justify-content: space-between; gap: 16px; margin-bottom: 20px; }
h1 { font-size: 24px; margin: 0; letter-spacing: -0.01em; }
header p { margin: 4px 0 0; color: var(--muted); }
.brand { display: inline-flex; width: 34px; height: 34px; border-radius: 9px; margin-right: 12px; vertical-align: -7px;
  background: linear-gradient(135deg, #6366f1, #0ea5e9); }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 14px; margin-bottom: 18px; }
.kpi { background: var(--card); border-radius: 14px; padding: 14px 16px; box-shadow: 0 1px 2px rgba(15,23,42,.06), 0 4px 14px rgba(15,23,42,.04); }
.kpi .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .06em; }
.kpi .value { font-size: 26px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; font-weight: 650; margin-top: 2px; font-variant-numeric: tabular-nums; }
.kpi .sub { color: var(--muted); font-size: 12.5px; }
.kpi.ok .value { color: #047857; } .kpi.bad .value { color: #b91c1c; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
.card { background: var(--card); border-radius: 16px; padding: 18px 20px 14px; margin-bottom: 18px;
  box-shadow: 0 1px 2px rgba(15,23,42,.06), 0 6px 20px rgba(15,23,42,.05); min-width: 0; }
.grid .card { margin-bottom: 0; }
.grid + .card, .grid + .grid { margin-top: 18px; }
h2 { font-size: 15.5px; margin: 0 0 2px; }
.card > p { margin: 0 0 10px; color: var(--muted); font-size: 12.5px; }
svg.chart { display: block; height: auto; overflow: visible; }
svg .gridline { stroke: #eef2f7; stroke-width: 1; }
svg .axis { stroke: #cbd5e1; } svg .axis-tick { stroke: #cbd5e1; }
svg .tick { fill: var(--muted); font-size: 11.5px; font-variant-numeric: tabular-nums; }
svg .label { fill: var(--ink); font-size: 12.5px; }
svg .value { fill: #334155; font-size: 12px; font-variant-numeric: tabular-nums; }
svg .objective { stroke-width: 1.5; stroke-dasharray: 5 4; }
svg .band { fill: #eef2ff; }
svg rect:hover, svg circle:hover { opacity: .8; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 16px; list-style: none; margin: 8px 0 0; padding: 0 0 0 8px; color: #334155; font-size: 12.5px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 3px; margin-right: 6px; vertical-align: -1px; }
.empty { padding: 40px 0; text-align: center; color: var(--muted); background: repeating-linear-gradient(135deg, #f8fafc 0 8px, #f1f5f9 8px 16px); border-radius: 10px; }
table.sla { width: 100%; table-layout: fixed; border-collapse: collapse; font-size: 13px; margin-bottom: 6px; }
table.sla th, table.sla td { padding: 9px 8px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
table.sla thead th { color: var(--muted); font-weight: 600; font-size: 12px; }
table.sla small { display: block; font-weight: 400; color: #94a3b8; }
table.sla tbody tr:last-child > * { border-bottom: 0; }
table.sla tbody th { font-weight: 600; }
.num { font-variant-numeric: tabular-nums; }
td.num { text-align: right; }
.ok { color: #047857; } .warn { color: #b45309; } .bad { color: #b91c1c; }
.stack { display: inline-flex; align-items: center; gap: 8px; }
.meter { display: inline-block; width: 56px; height: 8px; background: #eef2f7; border-radius: 99px; overflow: hidden; }
.meter .fill { display: block; height: 100%; border-radius: 99px; }
.fill.ok { background: #10b981; } .fill.warn { background: #f59e0b; } .fill.bad { background: #ef4444; }
.pill { display: inline-block; padding: 1px 9px; border-radius: 99px; font-size: 11.5px; font-weight: 600; }
.pill.ok { background: #d1fae5; color: #065f46; } .pill.warn { background: #fef3c7; color: #92400e; }
.pill.bad { background: #fee2e2; color: #991b1b; } .pill.muted { background: #f1f5f9; color: var(--muted); }
footer { color: var(--muted); font-size: 12px; margin-top: 8px; }
@media (max-width: 900px) { .grid { grid-template-columns: 1fr; } main { padding: 16px; } }
`;

/** A titled card around `body`, with a one-line description. */
export function card(title: string, description: string, body: string, id: string): string {
  return `<section class="card" id="${id}"><h2>${title}</h2><p>${description}</p>${body}</section>`;
}

/** The whole document; `title` and `subtitle` must already be escaped. */
export function page(title: string, subtitle: string, body: string, footer: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header><div><h1><span class="brand"></span>${title}</h1><p>${subtitle}</p></div></header>
${body}
<footer>${footer}</footer>
</main>
</body>
</html>
`;
}
