// The console's browser script (served as /console.js), plain JavaScript in a string: no bundler. It renders the runs
// list (filters, pages through Temporal's page tokens, live refresh, bulk actions with a preview count) or a run (facts,
// actions, step timeline with sub-runs as a tree, transcript), follows a running run through the SSE endpoint, and
// sends every action with the operator's name. It sets text with textContent only. (No backticks or dollar-brace in
// the script below: it lives in a template literal.)
export const CONSOLE_SCRIPT = String.raw`
const params = new URLSearchParams(location.search);
const token = params.get('token') || sessionStorage.getItem('console-token') || '';
if (token) sessionStorage.setItem('console-token', token);
const operatorInput = document.getElementById('operator');
operatorInput.value = localStorage.getItem('console-operator') || '';
operatorInput.addEventListener('change', () => localStorage.setItem('console-operator', operatorInput.value.trim()));
const app = document.getElementById('app');

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'testid') node.dataset.testid = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** node.replaceChildren without the absent ones (the DOM would show null as text). */
function fill(node, ...children) {
  node.replaceChildren(...children.flat().filter((child) => child !== undefined && child !== null && child !== false));
}

function headers(extra) {
  const h = Object.assign({ 'x-operator': operatorInput.value.trim() || 'operator' }, extra || {});
  if (token) h.authorization = 'Bearer ' + token;
  return h;
}

async function api(path, body) {
  const response = await fetch(path, body === undefined ? { headers: headers() } : { method: 'POST', headers: headers({ 'content-type': 'application/json' }), body: JSON.stringify(body) });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error((data.error && data.error.message) || ('HTTP ' + response.status));
    error.code = data.error && data.error.code;
    throw error;
  }
  return data;
}

function link(path) {
  return token ? path + (path.includes('?') ? '&' : '?') + 'token=' + encodeURIComponent(token) : path;
}

const fmtNumber = (n) => (n === undefined || n === null ? '' : Number(n).toLocaleString('en-US'));
function fmtDuration(ms) {
  if (ms === undefined || ms === null) return '';
  if (ms < 1000) return ms + ' ms';
  if (ms < 60000) return (ms / 1000).toFixed(1) + ' s';
  return Math.floor(ms / 60000) + ' m ' + Math.round((ms % 60000) / 1000) + ' s';
}
const fmtTime = (iso) => (iso ? new Date(iso).toLocaleString('en-GB', { hour12: false }) : '');
const tokensOf = (u) => (u ? u.inputTokens + u.outputTokens + (u.cacheReadInputTokens || 0) + (u.cacheCreationInputTokens || 0) : 0);
const stopText = (stop) => (stop ? stop.reason + (stop.limit ? ' (' + stop.limit + ')' : '') + ', ' + stop.mode + ': ' + stop.message : '');
const badge = (status) => el('span', { class: 'badge ' + status, testid: 'status' }, status);

function notice(node, ok, text) {
  node.className = 'notice ' + (ok ? 'ok' : 'bad');
  node.textContent = text;
}

// ---------- the runs list ----------

function renderList() {
  document.title = 'runs · durable-agent console';
  const state = { tokens: [''], page: 0, timer: undefined, stats: new Map(), filling: false };
  const filters = el('form', { class: 'row', testid: 'filters' },
    el('label', {}, 'status'),
    el('select', { name: 'status', testid: 'filter-status' }, ['', 'running', 'paused', 'cancelled', 'completed', 'error'].map((s) => el('option', { value: s }, s || 'any'))),
    el('label', {}, 'session'), el('input', { name: 'session', testid: 'filter-session', size: 14 }),
    el('label', {}, 'user'), el('input', { name: 'user', testid: 'filter-user', size: 12 }),
    el('label', {}, 'model'), el('input', { name: 'model', testid: 'filter-model', size: 16 }),
    el('label', { title: 'a prefix of the run id, the session or the user' }, 'starts with'), el('input', { name: 'q', testid: 'filter-q', size: 20, placeholder: 'run id, session or user' }),
    el('button', { type: 'submit', testid: 'apply' }, 'Apply'),
    el('span', { class: 'live', testid: 'live' }, '● live'));
  for (const name of ['status', 'session', 'user', 'model', 'q']) if (params.get(name)) filters.elements[name].value = params.get(name);
  const bulkNotice = el('div', { class: 'notice', testid: 'bulk-notice' });
  const preview = el('span', { class: 'muted', testid: 'bulk-preview' }, 'Select runs with the filter above.');
  const reason = el('input', { placeholder: 'reason', testid: 'bulk-reason', size: 16 });
  const mode = el('select', { testid: 'bulk-mode' }, el('option', { value: 'now' }, 'now'), el('option', { value: 'afterStep' }, 'after the current step'));
  const message = el('input', { placeholder: 'message (optional)', testid: 'bulk-message', size: 22 });
  const bulk = el('section', { class: 'card', testid: 'bulk' },
    el('div', { class: 'row' }, el('strong', {}, 'Bulk'), el('button', { type: 'button', class: 'secondary', testid: 'bulk-preview-button', onclick: () => void doPreview() }, 'Preview'), preview),
    el('div', { class: 'row' },
      el('button', { type: 'button', class: 'danger', testid: 'bulk-cancel', onclick: () => void doBulk('cancel') }, 'Cancel all selected'), mode, reason,
      el('span', { class: 'muted' }, '·'),
      el('button', { type: 'button', testid: 'bulk-continue', onclick: () => void doBulk('continue') }, 'Continue all selected'), message),
    bulkNotice);
  const body = el('tbody', { testid: 'runs' });
  const table = el('table', {}, el('thead', {}, el('tr', {}, ['run id', 'status', 'stop', 'model', 'session', 'user', 'exec', 'steps', 'tokens', 'duration', 'started', 'task'].map((h) => el('th', {}, h)))), body);
  const pageInfo = el('span', { class: 'muted', testid: 'page-info' });
  const prev = el('button', { type: 'button', class: 'secondary', testid: 'prev', onclick: () => { state.page--; void load(); } }, '‹ Newer');
  const next = el('button', { type: 'button', class: 'secondary', testid: 'next', onclick: () => { state.page++; void load(); } }, 'Older ›');
  const count = el('span', { class: 'muted', testid: 'count' });
  app.replaceChildren(el('h1', {}, 'Runs'), el('section', { class: 'card' }, filters), bulk, el('div', { class: 'pager' }, prev, next, pageInfo, count), table);

  const filterParams = () => {
    const q = new URLSearchParams();
    for (const name of ['status', 'session', 'user', 'model', 'q']) if (filters.elements[name].value.trim()) q.set(name, filters.elements[name].value.trim());
    return q;
  };
  const filterBody = () => Object.fromEntries(filterParams());

  async function load() {
    clearTimeout(state.timer);
    const q = filterParams();
    q.set('pageSize', '50');
    if (state.tokens[state.page]) q.set('pageToken', state.tokens[state.page]);
    try {
      const [page, total] = await Promise.all([api('/api/runs?' + q), state.page === 0 ? api('/api/runs/count?' + filterParams()) : Promise.resolve(undefined)]);
      state.tokens[state.page + 1] = page.nextPageToken || '';
      body.replaceChildren(...page.runs.map(row));
      if (!page.runs.length) body.append(el('tr', {}, el('td', { colspan: 12, class: 'muted' }, 'No runs match.')));
      prev.disabled = state.page === 0;
      next.disabled = !page.nextPageToken;
      pageInfo.textContent = 'page ' + (state.page + 1);
      if (total) count.textContent = fmtNumber(total.count) + ' executions match';
      void fillStats(page.runs);
    } catch (err) {
      body.replaceChildren(el('tr', {}, el('td', { colspan: 12, class: 'notice bad' }, err.message)));
    }
    state.timer = setTimeout(load, 2000);
  }

  function row(run) {
    const runLink = el('a', { href: link('/runs/' + encodeURIComponent(run.runId)), class: 'mono' }, run.runId);
    const stats = state.stats.get(run.executionRunId);
    return el('tr', { testid: 'run-row', 'data-run-id': run.runId, 'data-status': run.status, 'data-execution': run.executionRunId },
      el('td', {}, runLink),
      el('td', {}, badge(run.status)),
      el('td', { testid: 'stop' }, run.unreadable ? run.unreadable + ' (no key)' : stopText(run.stop)),
      el('td', { class: 'mono' }, run.model || ''),
      el('td', {}, run.sessionId || ''),
      el('td', {}, run.userId || ''),
      el('td', { class: 'num' }, run.execution || ''),
      el('td', { class: 'num', testid: 'steps' }, stats ? stats.steps : ''),
      el('td', { class: 'num', testid: 'tokens' }, stats ? fmtNumber(stats.tokens) : ''),
      el('td', { class: 'num' }, run.closedAt ? fmtDuration(run.durationMs) : el('span', { class: 'muted' }, fmtDuration(Date.now() - Date.parse(run.startedAt)) + ' so far')),
      el('td', {}, fmtTime(run.startedAt)),
      el('td', { class: 'task', title: run.task || '' }, run.task || ''));
  }

  // Steps and tokens live in each run's history, not in visibility: read for the rows on screen (4 at a time), kept for
  // closed executions; an open execution's are read again at most every 10 s, so a page of running runs does not read
  // 50 histories every 2 s. One pass at a time: a refresh during a pass leaves the rest to the next.
  async function fillStats(runs) {
    if (state.filling) return;
    state.filling = true;
    const stale = (r) => !state.stats.has(r.executionRunId) || (r.executionStatus === 'RUNNING' && Date.now() - state.stats.get(r.executionRunId).at > 10000);
    const missing = runs.filter((r) => !r.unreadable && stale(r)).slice(0, 50);
    const lane = async () => {
      for (let run = missing.shift(); run; run = missing.shift()) await readStats(run);
    };
    await Promise.all([lane(), lane(), lane(), lane()]);
    state.filling = false;
  }

  async function readStats(run) {
    try {
      const { run: output } = await api('/api/runs/' + encodeURIComponent(run.runId));
      // An earlier execution of a continued run: the history reader reads the latest, so its own counts are not shown.
      const earlier = output.executionRunId !== run.executionRunId;
      state.stats.set(run.executionRunId, earlier ? { steps: '—', at: Date.now() } : { steps: output.stepResults.length, tokens: tokensOf(output.usage), at: Date.now() });
      const tr = body.querySelector('tr[data-execution="' + run.executionRunId + '"]');
      if (tr) tr.replaceWith(row(run));
    } catch {
      // an unreadable or vanished run keeps empty cells
    }
  }

  async function doPreview() {
    try {
      const all = await api('/api/runs/count?' + filterParams());
      const open = await api('/api/runs/count?' + filterParams() + '&open=1');
      preview.textContent = fmtNumber(all.count) + ' executions match; ' + fmtNumber(open.count) + ' still open (what Cancel acts on).';
      return all;
    } catch (err) {
      preview.textContent = err.message;
    }
  }

  async function doBulk(action) {
    bulkNotice.textContent = '';
    const body = action === 'cancel'
      ? { filter: filterBody(), mode: mode.value, ...(reason.value.trim() ? { reason: reason.value.trim() } : {}) }
      : { filter: filterBody(), ...(message.value.trim() ? { message: message.value.trim() } : {}) };
    try {
      const result = await api('/api/bulk/' + action, body);
      const skipped = result.skipped.length ? ' Skipped ' + result.skipped.length + ': ' + result.skipped.slice(0, 3).map((s) => s.runId + ' (' + s.error + ')').join(', ') + (result.skipped.length > 3 ? '…' : '') : '';
      notice(bulkNotice, true, (action === 'cancel' ? 'Cancel requested for ' : 'Continued ') + result.done.length + ' runs.' + skipped);
    } catch (err) {
      notice(bulkNotice, false, err.message);
    }
    void load();
  }

  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    state.tokens = [''];
    state.page = 0;
    const q = filterParams();
    if (token) q.set('token', token);
    history.replaceState(null, '', '/' + (q.size ? '?' + q : ''));
    void load();
  });
  void load();
}

// ---------- one run ----------

function renderRun(runId) {
  document.title = runId + ' · durable-agent console';
  document.getElementById('where').textContent = runId;
  const state = { run: undefined, refreshing: false, again: false, source: undefined, liveText: '' };
  const pageNotice = el('div', { class: 'notice', testid: 'notice' });
  const facts = el('div', { class: 'facts', testid: 'facts' });
  const heading = el('h1', {}, el('span', { class: 'mono' }, runId));
  const headline = el('div', { class: 'row', testid: 'headline' });
  const actions = el('section', { class: 'card', testid: 'actions' });
  const requirements = el('div', { testid: 'requirements' });
  const timeline = el('tbody', { testid: 'timeline' });
  const liveLine = el('div', { class: 'muted', testid: 'live-text' });
  const transcript = el('div', { testid: 'transcript' });
  app.replaceChildren(
    heading, headline, pageNotice,
    el('section', { class: 'card' }, facts),
    actions,
    el('h2', {}, 'Steps'),
    el('table', {}, el('thead', {}, el('tr', {}, ['#', 'step', 'model', 'status', 'exec', 'attempts', 'started', 'duration', '', 'tokens', 'sub-run / result'].map((h) => el('th', {}, h)))), timeline),
    liveLine,
    el('h2', {}, 'Transcript'), transcript);
  buildActions();

  function buildActions() {
    const f = (name, attrs) => el('input', Object.assign({ name: name, testid: name }, attrs || {}));
    const cancelForm = el('form', { class: 'row', testid: 'cancel-form' },
      el('strong', {}, 'Cancel'),
      el('select', { name: 'mode', testid: 'cancel-mode' }, el('option', { value: 'now' }, 'now'), el('option', { value: 'afterStep' }, 'after the current step')),
      f('cancel-reason', { placeholder: 'reason', size: 18 }),
      el('button', { class: 'danger', testid: 'cancel' }, 'Cancel run'));
    const continueForm = el('form', { class: 'row', testid: 'continue-form' },
      el('strong', {}, 'Continue'),
      f('continue-message', { placeholder: 'message (optional)', size: 26 }),
      f('continue-model', { placeholder: 'model (optional)', size: 18 }),
      f('continue-maxSteps', { placeholder: 'max steps', size: 7 }),
      f('continue-maxInputTokens', { placeholder: 'max input tokens', size: 14 }),
      f('continue-maxOutputTokens', { placeholder: 'max output tokens', size: 14 }),
      el('button', { testid: 'continue' }, 'Continue'));
    const interruptForm = el('form', { class: 'row', testid: 'interrupt-form' },
      el('strong', {}, 'Interrupt'), f('interrupt-message', { placeholder: 'message the model reads next', size: 34 }), el('button', { testid: 'interrupt' }, 'Interrupt'));
    const forkForm = el('form', { class: 'row', testid: 'fork-form' },
      el('strong', {}, 'Fork'), el('label', {}, 'from step'), f('fork-from', { size: 4 }),
      el('select', { name: 'fork-edit', testid: 'fork-edit' },
        el('option', { value: '' }, 'no edit'), el('option', { value: 'toolResult' }, 'replace tool result of step'),
        el('option', { value: 'userText' }, 'replace user text'), el('option', { value: 'system' }, 'replace system prompt')),
      f('fork-edit-step', { placeholder: 'step', size: 4 }),
      f('fork-edit-text', { placeholder: 'new text', size: 30 }),
      el('button', { testid: 'fork' }, 'Fork'));
    const submit = (form, action, bodyOf) => form.addEventListener('submit', (event) => {
      event.preventDefault();
      void act(action, bodyOf(form.elements));
    });
    submit(cancelForm, 'cancel', (e) => ({ mode: e.mode.value, reason: e['cancel-reason'].value.trim() || undefined }));
    submit(continueForm, 'continue', (e) => {
      const limits = {};
      for (const name of ['maxSteps', 'maxInputTokens', 'maxOutputTokens']) if (e['continue-' + name].value.trim()) limits[name] = e['continue-' + name].value.trim();
      return { message: e['continue-message'].value.trim() || undefined, model: e['continue-model'].value.trim() || undefined, limits: Object.keys(limits).length ? limits : undefined };
    });
    submit(interruptForm, 'interrupt', (e) => ({ message: e['interrupt-message'].value.trim() }));
    submit(forkForm, 'fork', (e) => {
      const kind = e['fork-edit'].value;
      const text = e['fork-edit-text'].value;
      const edit = kind === 'toolResult' ? { step: e['fork-edit-step'].value.trim(), toolResult: text } : kind ? { [kind]: text } : undefined;
      return { fromStep: e['fork-from'].value.trim(), edit: edit };
    });
    actions.replaceChildren(el('h2', { style: 'margin-top:0' }, 'Actions'), cancelForm, continueForm, interruptForm, forkForm, requirements);
  }

  async function act(action, body) {
    pageNotice.textContent = '';
    try {
      const result = await api('/api/runs/' + encodeURIComponent(runId) + '/' + action, body);
      if (action === 'fork') {
        notice(pageNotice, true, 'Forked into ');
        pageNotice.append(el('a', { href: link('/runs/' + encodeURIComponent(result.runId)), testid: 'fork-link', class: 'mono' }, result.runId));
      } else {
        notice(pageNotice, true, { cancel: 'Cancel requested.', continue: 'Continuing.', interrupt: 'Interrupted; continuing with the message.', answer: 'Answered.' }[action]);
      }
      follow();
      void refresh();
    } catch (err) {
      notice(pageNotice, false, err.message);
    }
  }

  async function refresh() {
    if (state.refreshing) { state.again = true; return; }
    state.refreshing = true;
    try {
      const data = await api('/api/runs/' + encodeURIComponent(runId));
      state.run = data.run;
      render(data);
    } catch (err) {
      notice(pageNotice, false, err.message);
      if (err.code === 'RunEncryptedError' || err.code === 'RunCompressedError') facts.replaceChildren(el('div', { testid: 'unreadable' }, 'This run cannot be read here: ' + err.message));
    } finally {
      state.refreshing = false;
      if (state.again) { state.again = false; void refresh(); }
    }
  }

  function render(data) {
    const run = data.run;
    fill(headline, badge(run.status),
      run.stop ? el('span', { testid: 'stop-reason' }, 'stopped: ' + stopText(run.stop)) : null,
      run.error ? el('span', { class: 'notice bad', testid: 'run-error' }, run.error.name + ': ' + run.error.message) : null,
      data.webUiUrl ? el('a', { href: data.webUiUrl, target: '_blank', testid: 'web-ui-link' }, 'open in the Temporal Web UI ↗') : null,
      state.source ? el('span', { class: 'live', testid: 'following' }, '● following') : null);
    const fact = (name, value, testid) => el('div', { testid: testid }, el('span', {}, name), value === undefined || value === '' ? '—' : value);
    const models = [...new Set(run.stepResults.map((s) => s.model).filter(Boolean))];
    fill(facts,
      fact('steps', String(run.stepResults.length), 'fact-steps'),
      fact('executions', String(run.executions)),
      fact('input tokens', fmtNumber(run.usage.inputTokens)),
      fact('output tokens', fmtNumber(run.usage.outputTokens)),
      fact('cache read / write', fmtNumber(run.usage.cacheReadInputTokens || 0) + ' / ' + fmtNumber(run.usage.cacheCreationInputTokens || 0)),
      fact('models', models.join(', ')),
      fact('execution run id', el('span', { class: 'mono' }, run.executionRunId)),
      run.forkedFrom ? fact('forked from', el('a', { href: link('/runs/' + encodeURIComponent(run.forkedFrom.runId)), class: 'mono' }, run.forkedFrom.runId + ' @ step ' + run.forkedFrom.fromStep)) : null,
      run.output !== null && run.output !== undefined ? fact('output', typeof run.output === 'string' ? run.output : JSON.stringify(run.output), 'fact-output') : null);
    renderRequirements(run);
    const max = Math.max(1, ...run.stepResults.map((s) => s.durationMs || 0));
    timeline.replaceChildren(...run.stepResults.flatMap((s) => stepRows(s, max, false)));
    transcript.replaceChildren(...run.messages.map(messageNode));
  }

  function stepRows(s, max, nested) {
    const sub = s.subRunId ? el('button', { type: 'button', class: 'secondary', testid: 'sub-run-toggle', onclick: (event) => void expand(event.target, s.subRunId) }, '▸ ' + s.subRunId) : null;
    const result = s.output !== undefined ? el('span', { class: 'mono', title: s.output }, s.output.length > 80 ? s.output.slice(0, 80) + '…' : s.output) : s.error ? el('span', { class: 'muted' }, s.error) : '';
    return [el('tr', { testid: nested ? 'sub-step' : 'step', class: nested ? 'sub' : '', 'data-index': s.index, 'data-status': s.status },
      el('td', { class: 'num' }, s.index),
      el('td', { class: 'mono' }, s.name, s.edited ? el('span', { class: 'badge paused', style: 'margin-left:.4em' }, 'edited') : null),
      el('td', { class: 'mono' }, s.model || ''),
      el('td', {}, badge(s.status)),
      el('td', { class: 'num' }, s.inheritedFrom ? s.execution + ' (inherited)' : s.execution),
      el('td', { class: 'num' }, s.attempts || ''),
      el('td', {}, fmtTime(s.startedAt)),
      el('td', { class: 'num' }, fmtDuration(s.durationMs)),
      el('td', { style: 'width:10em' }, el('div', { class: 'bar' + (s.name === 'model' ? '' : ' tool'), style: 'width:' + Math.round(((s.durationMs || 0) / max) * 100) + '%' })),
      el('td', { class: 'num' }, s.usage ? fmtNumber(tokensOf(s.usage)) : ''),
      el('td', {}, sub || result))];
  }

  async function expand(button, subRunId) {
    const tr = button.closest('tr');
    if (button.dataset.open) {
      while (tr.nextSibling && tr.nextSibling.classList.contains('sub')) tr.nextSibling.remove();
      delete button.dataset.open;
      button.textContent = '▸ ' + subRunId;
      return;
    }
    try {
      const { run } = await api('/api/runs/' + encodeURIComponent(subRunId));
      const max = Math.max(1, ...run.stepResults.map((s) => s.durationMs || 0));
      tr.after(...run.stepResults.flatMap((s) => stepRows(s, max, true)));
      button.dataset.open = '1';
      button.textContent = '▾ ' + subRunId;
    } catch (err) {
      notice(pageNotice, false, err.message);
    }
  }

  function renderRequirements(run) {
    if (!run.requirements.length) return requirements.replaceChildren();
    requirements.replaceChildren(el('strong', {}, 'Waiting for an answer'), ...run.requirements.map((r) => {
      const note = el('input', { placeholder: 'note / JSON values / JSON result', size: 30, testid: 'answer-text' });
      const answer = (extra) => void act('answer', { answers: [Object.assign({ id: r.id }, extra)] });
      const parsed = () => { try { return JSON.parse(note.value); } catch { return note.value; } };
      const buttons = r.kind === 'confirmation'
        ? [el('button', { type: 'button', testid: 'approve', onclick: () => answer({ approve: true }) }, 'Approve'), el('button', { type: 'button', class: 'danger', testid: 'reject', onclick: () => answer({ approve: false, note: note.value || undefined }) }, 'Reject')]
        : [el('button', { type: 'button', testid: 'send-answer', onclick: () => answer(r.kind === 'userInput' ? { values: parsed() } : { result: parsed() }) }, 'Send')];
      return el('div', { class: 'row', testid: 'requirement' }, el('span', { class: 'mono' }, r.kind + ' · ' + r.toolName + ' ' + JSON.stringify(r.toolInput)), note, ...buttons);
    }));
  }

  function messageNode(m) {
    const blocks = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
    return el('div', { class: 'msg ' + m.role, testid: 'message' }, el('div', { class: 'role' }, m.role), ...blocks.map((b) => {
      if (b.type === 'text') return el('pre', {}, b.text);
      if (b.type === 'tool_use') return el('div', { testid: 'tool-use' }, el('span', { class: 'muted' }, 'calls '), el('code', {}, b.name), el('pre', {}, JSON.stringify(b.input, null, 2)));
      if (b.type === 'tool_result') {
        const content = typeof b.content === 'string' ? b.content : JSON.stringify(b.content);
        return el('div', { testid: 'tool-result' }, el('span', { class: 'muted' }, (b.is_error ? 'error result' : 'result') + ' of ' + b.tool_use_id), el('pre', {}, content));
      }
      return el('pre', { class: 'muted' }, JSON.stringify(b));
    }));
  }

  // The run's event stream (the run follower on the server): every step event refreshes the page; text streams in.
  function follow() {
    if (state.source) return;
    const q = new URLSearchParams({ from: String(state.offset || 0) });
    if (token) q.set('token', token);
    const source = new EventSource('/api/runs/' + encodeURIComponent(runId) + '/events?' + q);
    state.source = source;
    let timer;
    const soon = () => { clearTimeout(timer); timer = setTimeout(() => void refresh(), 150); };
    for (const type of ['run_started', 'step_started', 'step_completed', 'step_restarted', 'tool_result', 'paused', 'completed', 'cancelled', 'error']) {
      source.addEventListener(type, (message) => {
        const event = JSON.parse(message.data);
        state.offset = event.nextOffset;
        if (type === 'step_started' || type === 'step_restarted') state.liveText = '';
        soon();
      });
    }
    source.addEventListener('text_delta', (message) => {
      const event = JSON.parse(message.data);
      state.offset = event.nextOffset;
      state.liveText += event.text;
      liveLine.textContent = 'model is writing: ' + state.liveText.slice(-300);
    });
    const stop = () => { source.close(); state.source = undefined; liveLine.textContent = ''; soon(); };
    source.addEventListener('end', stop);
    source.addEventListener('failure', stop);
    source.onerror = () => { if (source.readyState === EventSource.CLOSED) stop(); };
  }

  void refresh().then(() => { if (state.run && (state.run.status === 'running' || state.run.status === 'paused')) follow(); });
}

const match = /^\/runs\/([^/]+)\/?$/.exec(location.pathname);
if (match) renderRun(decodeURIComponent(match[1]));
else renderList();
`;
