// The console's page assets: one HTML shell (the runs list at `/`, a run at `/runs/<runId>`), its stylesheet and its
// script (console-script.ts). No build step and no framework: the script reads the JSON API (api.ts) and builds the
// DOM with textContent only, so no run content is ever parsed as HTML.
import { CONSOLE_SCRIPT } from './console-script.js';

const STYLE = `
:root { --fg:#1d2330; --muted:#667085; --line:#e4e7ec; --bg:#f7f8fa; --accent:#2458d6; --ok:#12805c; --warn:#b54708; --bad:#c0262d; --run:#2458d6; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color:var(--fg); background:var(--bg); }
header { display:flex; gap:1em; align-items:center; padding:.6em 1.2em; background:#101828; color:#fff; }
header a { color:#fff; text-decoration:none; font-weight:600; }
header .spacer { flex:1; }
header input { width:9em; }
main { padding:1em 1.2em; max-width:1400px; }
h1 { font-size:1.25em; margin:.2em 0 .4em; word-break:break-all; }
h2 { font-size:1em; margin:1.2em 0 .5em; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); }
section.card { background:#fff; border:1px solid var(--line); border-radius:8px; padding:.8em 1em; margin-bottom:1em; }
form.row, div.row { display:flex; flex-wrap:wrap; gap:.5em; align-items:center; margin:.3em 0; }
label { color:var(--muted); font-size:.9em; }
input, select, textarea { font:inherit; padding:.25em .45em; border:1px solid #cfd4dc; border-radius:5px; background:#fff; }
textarea { width:100%; min-height:3.5em; }
button { font:inherit; padding:.3em .8em; border-radius:5px; border:1px solid var(--accent); background:var(--accent); color:#fff; cursor:pointer; }
button.secondary { background:#fff; color:var(--accent); }
button.danger { border-color:var(--bad); background:var(--bad); }
button:disabled { opacity:.5; cursor:default; }
table { border-collapse:collapse; width:100%; background:#fff; }
th, td { text-align:left; padding:.35em .55em; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-size:.8em; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); background:#fafbfc; position:sticky; top:0; }
td.num { text-align:right; font-variant-numeric:tabular-nums; }
td.task { max-width:28em; overflow:hidden; text-overflow:ellipsis; white-space:nowrap; color:var(--muted); }
code, .mono { font-family:ui-monospace, 'SF Mono', Menlo, monospace; font-size:.92em; }
.badge { display:inline-block; padding:.05em .55em; border-radius:999px; font-size:.85em; font-weight:600; background:#eef2f6; }
.badge.running { background:#e0eaff; color:var(--run); }
.badge.completed { background:#d1fadf; color:var(--ok); }
.badge.cancelled { background:#fef0c7; color:var(--warn); }
.badge.paused { background:#f4ebff; color:#6941c6; }
.badge.error, .badge.failed { background:#fee4e2; color:var(--bad); }
.muted { color:var(--muted); }
.notice { padding:.5em .8em; border-radius:6px; margin:.5em 0; }
.notice.ok { background:#ecfdf3; color:var(--ok); }
.notice.bad { background:#fef3f2; color:var(--bad); }
.notice:empty { display:none; }
.facts { display:grid; grid-template-columns:repeat(auto-fill, minmax(13em, 1fr)); gap:.4em 1.2em; }
.facts div span { display:block; font-size:.8em; color:var(--muted); text-transform:uppercase; letter-spacing:.04em; }
.bar { height:.55em; background:#9db5f5; border-radius:3px; min-width:2px; }
.bar.tool { background:#f5c26b; }
.pager { display:flex; gap:.6em; align-items:center; margin:.6em 0; }
.msg { border-left:3px solid var(--line); padding:.3em .8em; margin:.5em 0; background:#fff; }
.msg.user { border-color:#98a2b3; }
.msg.assistant { border-color:var(--accent); }
.msg .role { font-size:.8em; text-transform:uppercase; color:var(--muted); letter-spacing:.04em; }
.msg pre { white-space:pre-wrap; word-break:break-word; margin:.3em 0; background:#f6f7f9; padding:.4em .6em; border-radius:4px; }
.live { color:var(--ok); font-weight:600; }
.grid2 { display:grid; grid-template-columns:1fr 1fr; gap:1em; }
@media (max-width: 900px) { .grid2 { grid-template-columns:1fr; } }
tr.sub td:first-child { padding-left:2em; }
`;

/**
 * The HTML shell of every console page; the script renders the list or the run the path names. A page opened with
 * `?token=` (a console off loopback) loads its assets with the same token.
 */
export function consolePage(title: string, token?: string): string {
  const escape = (text: string): string => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const safe = escape(title);
  const query = token ? `?token=${escape(encodeURIComponent(token))}` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${safe} · durable-agent console</title>
<link rel="stylesheet" href="/console.css${query}">
</head><body>
<header><a href="/" data-testid="home">durable-agent console</a><span class="muted" id="where"></span><span class="spacer"></span>
<label for="operator" style="color:#cbd5e1">operator</label><input id="operator" data-testid="operator" placeholder="your name"></header>
<main id="app" data-testid="app">loading…</main>
<script type="module" src="/console.js${query}"></script>
</body></html>
`;
}

/** The stylesheet at /console.css. */
export function consoleStyle(): string {
  return STYLE;
}

/** The script at /console.js. */
export function consoleScript(): string {
  return CONSOLE_SCRIPT;
}
