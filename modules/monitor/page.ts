import { PAGE_SCRIPT } from './page-script.js';

const STYLE = `
body{font:13px/1.4 system-ui,sans-serif;margin:16px;color:#111;background:#fafafa}
h1{font-size:18px;margin:0 0 4px}h2{font-size:14px;margin:16px 0 4px}
#status{font-weight:600}body[data-connection=disconnected] #status{color:#dc2626}
body[data-connection=connected] #status{color:#15803d}
table{border-collapse:collapse;width:100%;background:#fff}th,td{padding:4px 8px;border-bottom:1px solid #e5e5e5;text-align:left;white-space:nowrap}
th{font-weight:600;color:#555}.dot{display:inline-block;width:12px;height:12px;border-radius:50%;background:#16a34a}
tr[data-state=half-open] .dot{background:#f59e0b}tr[data-state=open] .dot{background:#dc2626}
tr[data-state=open]{background:#fef2f2}.spark{margin-right:6px;vertical-align:middle}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:16px}ul{list-style:none;padding:0;margin:0;background:#fff}
li{padding:3px 8px;border-bottom:1px solid #eee}li.empty{color:#888}
.alert.critical,.ev.critical{color:#b91c1c;font-weight:600}.alert.warning,.ev.warning{color:#a16207}
.bar{display:inline-block;width:120px;height:8px;background:#e5e5e5;vertical-align:middle}
.bar .fill{display:block;height:8px;background:#3b82f6}#dropped{color:#a16207}
`;

/**
 * The monitor's one page: HTML, CSS and script inline, nothing fetched from elsewhere (the
 * Content-Security-Policy it is served with forbids it). It holds no data: everything arrives
 * over the authenticated WebSocket.
 */
export function monitorPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Switchyard monitor</title><style>${STYLE}</style></head>
<body data-connection="connecting">
<h1>Switchyard monitor</h1>
<div><span id="status">connecting…</span> · <span id="updated"></span> <span id="dropped"></span></div>
<h2>Targets</h2>
<table><thead><tr><th></th><th>target</th><th>state</th><th>in flight</th><th>calls/s</th><th>p50 / p95</th><th>TTFT</th><th>errors</th><th>tokens/s</th><th>cost/min</th><th>calls · errors · p95 (60 s)</th></tr></thead>
<tbody id="targets"></tbody></table>
<div class="cols">
<div><h2>Alerts</h2><ul id="alerts"></ul><h2>Budgets</h2><ul id="budgets"></ul><h2>Routing decisions</h2><ul id="decisions"></ul></div>
<div><h2>Events</h2><ul id="events"></ul></div>
</div>
<script>${PAGE_SCRIPT}</script>
</body></html>`;
}
