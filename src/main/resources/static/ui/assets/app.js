// snmf-service dashboard: draws uPlot line charts from data-chart attributes and feeds the live loss chart of a
// running factorization from the progress fragments that htmx's SSE extension swaps in.
(function () {
  'use strict';
  var COLORS = ['#1f5fbf', '#d9480f', '#2b8a3e', '#6e40c9'];

  function options(spec, width) {
    var series = [{ label: spec.xLabel }];
    spec.series.forEach(function (s, i) {
      series.push({ label: s.label, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: true,
        points: { show: spec.x.length < 40 }, dash: i > 0 ? [6, 4] : undefined });
    });
    return {
      width: width, height: 240, series: series,
      scales: { x: spec.logX ? { time: false, distr: 3 } : { time: false }, y: spec.logY ? { distr: 3 } : {} },
      axes: [{ label: spec.xLabel, values: ticks }, { size: 64, values: ticks }],
      legend: { show: true }
    };
  }

  /** Short tick labels: 3 significant digits, exponents for very large or small values. */
  function ticks(u, values) {
    return values.map(function (v) {
      if (v == null) { return ''; }
      var a = Math.abs(v);
      return a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential(0) : String(+v.toPrecision(3));
    });
  }

  function data(spec) {
    var out = [spec.x];
    spec.series.forEach(function (s) { out.push(s.values); });
    return out;
  }

  function draw(el) {
    if (el._plot || typeof uPlot === 'undefined') { return; }
    var spec = JSON.parse(el.getAttribute('data-chart'));
    el._spec = spec;
    el._plot = new uPlot(options(spec, Math.max(240, el.clientWidth)), data(spec), el);
  }

  function init(root) {
    (root.querySelectorAll ? root : document).querySelectorAll('[data-chart]').forEach(draw);
  }

  /** Appends "time stage: message" to the job's log when either changed. */
  function log(box) {
    var list = document.getElementById('job-log');
    if (!list) { return; }
    var line = (box.getAttribute('data-stage') || '') + ': ' + (box.getAttribute('data-message') || box.getAttribute('data-status'));
    if (list._last === line) { return; }
    list._last = line;
    var item = document.createElement('li');
    item.textContent = new Date().toLocaleTimeString() + '  ' + line;
    list.appendChild(item);
    while (list.children.length > 200) { list.removeChild(list.firstChild); }
  }

  /** A progress fragment arrived: log it and append its (iteration, loss) point to the live loss chart. */
  function progress(el) {
    var box = el.matches && el.matches('.progress-box') ? el : (el.querySelector ? el.querySelector('.progress-box') : null);
    if (box) { log(box); }
    var chart = document.getElementById('live-loss');
    if (!box || !chart || !chart._plot) { return; }
    var it = box.getAttribute('data-iteration');
    var loss = box.getAttribute('data-loss');
    if (it === null || loss === null) { return; }
    var x = chart._spec.x;
    var y = chart._spec.series[0].values;
    var i = Number(it);
    var l = Number(loss);
    if (!(l > 0) || (x.length && i <= x[x.length - 1])) { return; }
    x.push(i);
    y.push(l);
    chart._plot.setData([x, y]);
  }

  document.addEventListener('DOMContentLoaded', function () {
    init(document);
    var live = document.getElementById('job-progress');
    if (live) { progress(live); }
    window.addEventListener('resize', function () {
      document.querySelectorAll('[data-chart]').forEach(function (el) {
        if (el._plot) { el._plot.setSize({ width: Math.max(240, el.clientWidth), height: 240 }); }
      });
    });
  });
  document.addEventListener('htmx:load', function (e) {
    init(e.target);
    progress(e.target);
  });
})();
