// Draws what /api/events pushes (one "state" event a second; /api/state when server-sent events are unavailable).
'use strict';

const charts = {};
for (const id of ['accuracy', 'ground-truth', 'versions', 'rewards', 'throughput']) {
  charts[id] = echarts.init(document.getElementById('chart-' + id));
}
window.addEventListener('resize', () => Object.values(charts).forEach(c => c.resize()));

const time = t => new Date(t).toLocaleTimeString();
const fixed = (v, d) => (v === null || v === undefined || Number.isNaN(v)) ? '–' : Number(v).toFixed(d);

function setPoints(id, series) {
  const points = series.reduce((n, s) => n + (s.data ? s.data.length : 0), 0);
  document.getElementById('chart-' + id).dataset.points = String(points);
}

function draw(id, option) {
  charts[id].setOption(option, true);
  setPoints(id, option.series);
}

function timeAxis() {
  return { type: 'time', axisLabel: { hideOverlap: true } };
}

function render(state) {
  const sources = Object.keys(state.accuracy.series);
  draw('accuracy', {
    animation: false, tooltip: { trigger: 'axis' }, legend: { data: sources }, grid: { left: 48, right: 16, top: 32, bottom: 28 },
    xAxis: timeAxis(), yAxis: { type: 'value', min: 0, max: 1 },
    series: sources.map(source => ({ name: source, type: 'line', showSymbol: false,
      data: state.accuracy.series[source].map(p => [p[0], p[1]]) }))
  });
  document.getElementById('ground-truth-empty').hidden = state.groundTruth.series.length > 0;
  draw('ground-truth', {
    animation: false, tooltip: { trigger: 'axis' }, legend: { data: ['correlation', 'RMSE'] },
    grid: { left: 48, right: 48, top: 32, bottom: 28 }, xAxis: timeAxis(),
    yAxis: [{ type: 'value', min: -1, max: 1, name: 'r' }, { type: 'value', name: 'RMSE' }],
    series: [
      { name: 'correlation', type: 'line', showSymbol: false, data: state.groundTruth.series.map(p => [p[0], p[1]]) },
      { name: 'RMSE', type: 'line', showSymbol: false, yAxisIndex: 1, data: state.groundTruth.series.map(p => [p[0], p[2]]) }
    ]
  });
  const versions = state.versions;
  const metric = key => versions.filter(v => v[key] !== undefined).map(v => [v.version, v[key]]);
  draw('versions', {
    animation: false, tooltip: { trigger: 'axis' },
    legend: { data: ['holdout accuracy', 'holdout log-loss', 'training loss', 'ECE', 'refused before it'] },
    grid: { left: 48, right: 48, top: 32, bottom: 28 },
    xAxis: { type: 'value', name: 'version', minInterval: 1 },
    yAxis: [{ type: 'value', min: 0, max: 1, name: 'accuracy / ECE' }, { type: 'value', name: 'loss' }],
    series: [
      { name: 'holdout accuracy', type: 'line', data: metric('accuracy') },
      { name: 'ECE', type: 'line', data: metric('ece') },
      { name: 'holdout log-loss', type: 'line', yAxisIndex: 1, data: metric('logLoss') },
      { name: 'training loss', type: 'line', yAxisIndex: 1, data: metric('trainingLoss') },
      { name: 'refused before it', type: 'scatter', symbol: 'triangle', symbolSize: 12, itemStyle: { color: '#b3261e' },
        data: versions.filter(v => v.refusedBefore > 0).map(v => [v.version, v.accuracy === undefined ? 0 : v.accuracy,
          v.refusedBefore]) }
    ]
  });
  const policies = Object.keys(state.rewards);
  const marks = state.alerts.filter(a => a.severity !== 'INFO').map(a => ({
    xAxis: a.t, name: a.detector, lineStyle: { color: a.status === 'RAISED' ? '#b3261e' : '#1e7b34' },
    label: { show: false } }));
  const rewardSeries = policies.map((policy, i) => ({ name: policy, type: 'line', showSymbol: false,
    data: state.rewards[policy].map(p => [p[0], p[1]]),
    markLine: i === 0 ? { symbol: 'none', data: marks, animation: false } : undefined }));
  draw('rewards', {
    animation: false, tooltip: { trigger: 'axis' }, legend: { data: policies, type: 'scroll' },
    grid: { left: 48, right: 16, top: 32, bottom: 28 }, xAxis: timeAxis(), yAxis: { type: 'value', scale: true },
    series: rewardSeries
  });
  document.getElementById('chart-rewards').dataset.alertMarks = String(marks.length);
  draw('throughput', {
    animation: false, tooltip: { trigger: 'axis' }, legend: { data: ['scores/s', 'labels/s'] },
    grid: { left: 48, right: 16, top: 32, bottom: 28 }, xAxis: timeAxis(), yAxis: { type: 'value' },
    series: [
      { name: 'scores/s', type: 'line', showSymbol: false, data: state.throughput.map(p => [p[0], p[1]]) },
      { name: 'labels/s', type: 'line', showSymbol: false, data: state.throughput.map(p => [p[0], p[2]]) }
    ]
  });
  // Informational records (the scorer's rescore summaries) are counted, not listed: they come with every version.
  const paging = state.alerts.filter(a => a.severity !== 'INFO');
  rows('alert-rows', paging.map(a => [time(a.t), { text: a.status, cls: a.status }, a.severity, a.detector,
    a.scope, a.message]));
  document.getElementById('info-alerts').textContent = String(state.alerts.length - paging.length);
  rows('dead-letter-rows', state.deadLetters.map(d => [d.stage, d.count, d.lastReason, d.lastOrigin]));
  rows('lag-rows', Object.entries(state.lag).map(([group, g]) => [group, g.state, g.lag]));
  document.getElementById('live-version').textContent = state.liveVersion ? 'v' + state.liveVersion : 'none yet';
  const latest = Object.entries(state.accuracy.latest)
    .map(([source, a]) => source + ' ' + fixed(a.accuracy, 3) + ' (' + a.labels + ')');
  document.getElementById('live-accuracy').textContent = latest.length ? latest.join(', ') : '–';
  document.getElementById('freshness').textContent = state.freshness
    ? fixed(state.freshness.p50S, 2) + ' s / ' + fixed(state.freshness.p95S, 2) + ' s' : '–';
  document.getElementById('updated-at').textContent = time(state.now);
  document.body.dataset.updates = String(Number(document.body.dataset.updates) + 1);
}

function rows(id, data) {
  const body = document.getElementById(id);
  body.replaceChildren(...data.map(cells => {
    const tr = document.createElement('tr');
    for (const cell of cells) {
      const td = document.createElement('td');
      if (cell !== null && typeof cell === 'object') {
        td.textContent = cell.text;
        td.className = cell.cls;
      } else {
        td.textContent = cell === null || cell === undefined ? '' : String(cell);
      }
      tr.appendChild(td);
    }
    return tr;
  }));
}

function poll() {
  fetch('/api/state').then(r => r.json()).then(render).finally(() => setTimeout(poll, 1000));
}

if (window.EventSource) {
  const events = new EventSource('/api/events');
  events.addEventListener('state', e => render(JSON.parse(e.data)));
} else {
  poll();
}
