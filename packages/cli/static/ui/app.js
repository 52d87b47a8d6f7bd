// The live page: a snapshot then new progress records over Server-Sent Events (/events).
import { Charts, chartSpecs } from './charts.js';
import { drawDags } from './dag.js';
import { compact, offset, span } from './format.js';

const $ = (id) => document.getElementById(id);
const keyOf = (r) => `${r.pipeline}\u0000${r.queryId}`;

const state = {
  windowMs: 600_000,
  /** query key → records, oldest first */
  records: new Map(),
  selected: null,
  status: null,
  updateDag: () => {},
  dirty: false,
};
const charts = new Charts($('charts'));

function add(records) {
  for (const r of records) {
    const key = keyOf(r);
    let list = state.records.get(key);
    if (!list) {
      list = [];
      state.records.set(key, list);
    }
    list.push(r);
    const newest = Date.parse(r.timestamp);
    let drop = 0;
    while (drop < list.length && Date.parse(list[drop].timestamp) < newest - state.windowMs) drop++;
    if (drop > 0) list.splice(0, drop);
  }
  state.selected ??= state.records.keys().next().value ?? null;
  refreshPicker();
  schedule();
}

function refreshPicker() {
  const select = $('query');
  if (select.options.length === state.records.size) return;
  select.replaceChildren(
    ...[...state.records.keys()].map((k) => {
      const [pipeline, query] = k.split('\u0000');
      const o = new Option(`${pipeline} / ${query}`, k);
      o.selected = k === state.selected;
      return o;
    }),
  );
  $('query-picker').hidden = state.records.size < 2;
}

$('query').addEventListener('change', (e) => {
  state.selected = e.target.value;
  charts.clear();
  schedule();
});

function schedule() {
  if (state.dirty) return;
  state.dirty = true;
  requestAnimationFrame(render);
}

function render() {
  state.dirty = false;
  // Every query's newest record colours its nodes.
  const latest = new Map();
  for (const list of state.records.values()) {
    const r = list.at(-1);
    const previous = list.at(-2);
    const sinceMs = Math.max(
      r.durationMs,
      previous ? Date.parse(r.timestamp) - Date.parse(previous.timestamp) : 0,
    );
    for (const n of r.nodes)
      latest.set(`${r.pipeline}\u0000${n.id}`, { node: n, record: r, sinceMs });
  }
  state.updateDag(latest);
  const records = state.records.get(state.selected);
  if (!records || records.length === 0) return;
  const end = Date.parse(records.at(-1).timestamp) / 1000;
  // The records' span (at least 3 s, at most the window), so a young run fills the width.
  const start = Math.min(Date.parse(records[0].timestamp) / 1000, end - 3);
  charts.update(chartSpecs(records), Math.max(start, end - state.windowMs / 1000), end);
  renderBatches(records);
  renderCheckpoint(records);
}

function outcome(r, previous) {
  const sum = (rec, f) => (rec ? rec.nodes.reduce((a, n) => a + (f(n) ?? 0), 0) : 0);
  const bad = previous ? sum(r, (n) => n.badRecords) - sum(previous, (n) => n.badRecords) : 0;
  const late = previous ? sum(r, (n) => n.lateRows) - sum(previous, (n) => n.lateRows) : 0;
  const failed = (r.expectations ?? []).reduce((a, e) => a + e.failed, 0);
  const open = (r.circuits ?? []).filter((c) => c.state !== 'closed').map((c) => c.name);
  const notes = [];
  if (bad > 0) notes.push(`${compact(bad)} bad`);
  if (late > 0) notes.push(`${compact(late)} late`);
  if (failed > 0) notes.push(`${compact(failed)} failed expectations`);
  if (open.length > 0) notes.push(`circuit open: ${open.join(', ')}`);
  const slow = r.triggerIntervalMs != null && r.durationMs > r.triggerIntervalMs;
  if (slow) notes.push('longer than the trigger');
  if (notes.length === 0) return { text: 'ok', cls: 'ok' };
  return { text: `ok · ${notes.join(' · ')}`, cls: open.length > 0 || failed > 0 ? 'bad' : 'warn' };
}

function cell(text, cls) {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

function renderBatches(records) {
  const rows = [];
  for (let i = records.length - 1; i >= 0 && rows.length < 100; i--) {
    const r = records[i];
    const tr = document.createElement('tr');
    tr.dataset.batch = String(r.batchId);
    const offsets = r.sources
      .map((s) => `${s.name}: ${offset(s.startOffset)} → ${offset(s.endOffset)}`)
      .join('  ');
    const o = outcome(r, records[i - 1]);
    const stateRows = r.nodes.reduce((a, n) => a + n.stateRows, 0);
    const off = cell(offsets, 'offsets');
    off.title = offsets;
    tr.append(
      cell(String(r.batchId)),
      cell(new Date(r.timestamp).toLocaleTimeString('en-GB', { hour12: false })),
      off,
      cell(compact(r.numInputRows), 'num'),
      cell(span(r.durationMs), 'num'),
      cell(compact(stateRows), 'num'),
      cell(o.text, `outcome ${o.cls}`),
    );
    tr.addEventListener('click', () => openBatch(r));
    rows.push(tr);
  }
  $('batches').tBodies[0].replaceChildren(...rows);
}

function openBatch(r) {
  $('batch-dialog-title').textContent = `${r.queryId} · batch ${r.batchId}`;
  $('batch-json').textContent = JSON.stringify(r, null, 2);
  $('batch-dialog').showModal();
}

function renderCheckpoint(records) {
  const r = records.at(-1);
  const cp = r.checkpoint;
  const items = [
    ['pipeline', r.pipeline],
    ['query id', r.queryId],
    [
      'last batch',
      `${r.batchId} (${new Date(r.timestamp).toLocaleTimeString('en-GB', { hour12: false })})`,
    ],
    ['last committed batch', cp ? (cp.lastCommittedBatchId ?? 'none yet') : '–'],
    [
      'checkpoint path',
      cp ? cp.path : 'none: no sink of this query names a checkpoint, so a restart starts over',
    ],
    ['run', state.status ? state.status.state : '–'],
  ];
  $('checkpoint').replaceChildren(
    ...items.flatMap(([k, v]) => {
      const dt = document.createElement('dt');
      dt.textContent = k;
      const dd = document.createElement('dd');
      dd.textContent = String(v);
      return [dt, dd];
    }),
  );
}

function showStatus(status) {
  state.status = status;
  const pill = $('status');
  pill.textContent = status.state === 'replay' ? 'replay' : status.state;
  pill.className = `pill ${status.state}`;
  const msg = $('message');
  msg.hidden = !status.message;
  msg.textContent = status.message ?? '';
  msg.className = status.state === 'failed' ? '' : 'info';
  schedule();
}

function connect() {
  const events = new EventSource('events');
  events.addEventListener('snapshot', (e) => {
    const s = JSON.parse(e.data);
    state.windowMs = s.windowMs;
    state.records.clear();
    charts.clear();
    $('title').textContent = s.title;
    document.title = `pipekit · ${s.title}`;
    state.updateDag = drawDags($('dag'), s.dags);
    fitDags();
    if (s.dags.length === 0)
      $('dag').textContent = 'no graph in this recording (give the pipeline file to draw it)';
    showStatus(s.status);
    add(s.records);
    $('connection').textContent = s.status.state === 'replay' ? '' : 'live';
  });
  events.addEventListener('progress', (e) => add(JSON.parse(e.data)));
  events.addEventListener('status', (e) => showStatus(JSON.parse(e.data)));
  events.addEventListener('error', () => {
    if (state.status && state.status.state !== 'running') {
      // The run ended and its server with it: keep the last picture.
      events.close();
      $('connection').textContent = 'the run has ended; the page shows its last state';
    } else $('connection').textContent = 'reconnecting…';
  });
}

/** A DAG a little wider than the page is shrunk to fit; a much wider one scrolls instead. */
function fitDags() {
  const room = $('dag').clientWidth;
  for (const svg of $('dag').querySelectorAll('svg')) {
    const natural = Number(svg.getAttribute('viewBox').split(' ')[2]);
    const scale = natural > room && room / natural >= 0.7 ? room / natural : 1;
    svg.style.width = `${natural * scale}px`;
    svg.style.height = 'auto';
  }
}

window.addEventListener('resize', () => {
  charts.resize();
  fitDags();
});
connect();
