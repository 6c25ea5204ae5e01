// The small page `durable-agent serve` answers GET /runs/:runId with: it follows the run's event stream
// (run-events-server.ts) and shows its steps and text live. What it has shown and the offset it reached are kept in
// sessionStorage, so a reload picks the stream up where it was: no gap, nothing shown twice.

/** The page for one run (the run id is checked by the caller, and escaped here all the same). */
export function runPage(runId: string): string {
  const id = JSON.stringify(runId).replace(/</g, '\\u003c');
  const title = runId.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>run ${title}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:60em}pre{white-space:pre-wrap;background:#f6f6f6;padding:1em}</style>
</head><body>
<h1>run <code>${title}</code></h1>
<p>status: <b id="status">connecting</b> · offset <span id="offset">0</span></p>
<pre id="log"></pre>
<script>
const runId = ${id};
const key = 'durable-agent-run:' + runId;
const saved = JSON.parse(sessionStorage.getItem(key) || '{"log":"","next":0,"status":"running"}');
const logEl = document.getElementById('log');
const statusEl = document.getElementById('status');
const offsetEl = document.getElementById('offset');
function show() { logEl.textContent = saved.log; statusEl.textContent = saved.status; offsetEl.textContent = String(saved.next); }
function line(text) { saved.log += (saved.log && !saved.log.endsWith('\\n') ? '\\n' : '') + text + '\\n'; }
show();
const params = new URLSearchParams(location.search);
const query = new URLSearchParams({ from: String(saved.next) });
if (params.get('token')) query.set('token', params.get('token'));
const source = new EventSource('/runs/' + encodeURIComponent(runId) + '/events?' + query);
const terminal = ['completed', 'cancelled', 'error'];
for (const type of ['run_started', 'step_started', 'text_delta', 'step_restarted', 'step_completed', 'tool_result', 'paused', ...terminal]) {
  source.addEventListener(type, (message) => {
    const e = JSON.parse(message.data);
    if (type === 'run_started') line('▶ execution ' + e.execution);
    else if (type === 'step_started') line('● step ' + e.step.index + ' ' + e.step.name);
    else if (type === 'text_delta') saved.log += e.text;
    else if (type === 'step_restarted') line('↺ step ' + e.index + ' restarted (attempt ' + e.attempt + ')');
    else if (type === 'step_completed') line('✓ step ' + e.step.index + ' ' + e.step.name + ' ' + e.step.status);
    else if (type === 'tool_result') line('→ ' + e.toolName + ': ' + e.content);
    else if (type === 'paused') { saved.status = 'paused'; line('⏸ waiting for a human'); }
    else { saved.status = type; line('■ ' + type); }
    if (type !== 'paused' && !terminal.includes(type)) saved.status = 'running';
    saved.next = e.nextOffset;
    sessionStorage.setItem(key, JSON.stringify(saved));
    show();
    if (terminal.includes(type)) source.close();
  });
}
source.addEventListener('end', () => source.close());
</script>
</body></html>
`;
}
