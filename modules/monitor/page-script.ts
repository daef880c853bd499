/**
 * The monitor page's script, run in the browser (kept as a string: the page is one
 * self-contained document). It reads the token from the URL fragment (never sent to the
 * server in a request line), connects over WebSocket with it as a subprotocol, renders each
 * snapshot and event, and reconnects every second after a disconnection.
 */
export const PAGE_SCRIPT = `
(function () {
  'use strict';
  var params = new URLSearchParams(location.hash.slice(1));
  var token = params.get('token') || '';
  var $ = function (id) { return document.getElementById(id); };
  var status = $('status');
  var feed = [];
  var last = null;
  var states = {};
  var SVG = 'http://www.w3.org/2000/svg';

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = String(text);
    return e;
  }
  function fmt(v, unit) { return v === null || v === undefined ? '–' : (Math.round(v * 10) / 10) + (unit || ''); }
  function spark(values, colour) {
    var w = 120, h = 24, svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('width', w); svg.setAttribute('height', h); svg.setAttribute('class', 'spark');
    var nums = values.map(function (v) { return v === null ? 0 : v; });
    var max = Math.max.apply(null, nums.concat([1]));
    var step = nums.length > 1 ? w / (nums.length - 1) : w;
    var pts = nums.map(function (v, i) { return (i * step).toFixed(1) + ',' + (h - 1 - (v / max) * (h - 2)).toFixed(1); });
    var line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('points', pts.join(' ')); line.setAttribute('fill', 'none');
    line.setAttribute('stroke', colour); line.setAttribute('stroke-width', '1.5');
    svg.appendChild(line);
    return svg;
  }
  function setState(target, state) {
    states[target] = state;
    var row = document.querySelector('tr[data-target="' + CSS.escape(target) + '"]');
    if (row) { row.setAttribute('data-state', state); row.querySelector('.state').textContent = state; }
  }
  function renderTargets(s) {
    var body = $('targets'); body.textContent = '';
    s.targets.forEach(function (t) {
      states[t.id] = t.state;
      var tr = el('tr', { 'data-target': t.id, 'data-state': t.state });
      var dot = el('td'); dot.appendChild(el('span', { class: 'dot' })); tr.appendChild(dot);
      tr.appendChild(el('td', { class: 'id' }, t.id));
      tr.appendChild(el('td', { class: 'state' }, t.state));
      tr.appendChild(el('td', {}, t.inFlight));
      tr.appendChild(el('td', {}, fmt(t.callsPerSec)));
      tr.appendChild(el('td', {}, fmt(t.p50Ms, ' ms') + ' / ' + fmt(t.p95Ms, ' ms')));
      tr.appendChild(el('td', {}, fmt(t.ttftMs, ' ms')));
      var kinds = Object.keys(t.errorsByKind).map(function (k) { return k + ' ' + t.errorsByKind[k]; }).join(', ');
      tr.appendChild(el('td', { title: kinds }, fmt(t.errorRate * 100, '%') + (kinds ? ' (' + kinds + ')' : '')));
      tr.appendChild(el('td', {}, fmt(t.tokensPerSec)));
      tr.appendChild(el('td', {}, '$' + t.costPerMinUsd.toFixed(4) + (t.ledger ? ' · 1 h $' + t.ledger.costUsd.toFixed(4) : '')));
      var sp = el('td', { class: 'sparks' });
      sp.appendChild(spark(t.history.calls, '#3b82f6'));
      sp.appendChild(spark(t.history.errors, '#dc2626'));
      sp.appendChild(spark(t.history.p95Ms, '#a16207'));
      tr.appendChild(sp);
      body.appendChild(tr);
    });
  }
  function renderList(id, items, render, empty) {
    var ul = $(id); ul.textContent = '';
    if (items.length === 0) ul.appendChild(el('li', { class: 'empty' }, empty));
    items.forEach(function (x) { ul.appendChild(render(x)); });
  }
  function renderSnapshot(s) {
    last = s;
    renderTargets(s);
    renderList('alerts', s.alerts, function (a) {
      return el('li', { class: 'alert ' + a.severity, 'data-state': a.state, 'data-rule': a.rule },
        a.severity.toUpperCase() + ' ' + a.state + ' · ' + a.rule + ': ' + a.summary);
    }, 'no alerts');
    renderList('budgets', s.budgets, function (b) {
      var li = el('li', {}, b.id + ' (' + b.periodKey + '): $' + b.spentUsd.toFixed(4) + ' of $' + b.limitUsd + ' ');
      var bar = el('span', { class: 'bar' }); var fill = el('span', { class: 'fill' });
      fill.style.width = Math.min(100, b.share * 100).toFixed(1) + '%';
      if (b.share >= 0.8) fill.style.background = '#dc2626';
      bar.appendChild(fill); li.appendChild(bar); return li;
    }, 'no budgets');
    renderList('decisions', s.decisions.slice(0, 8), function (d) {
      var scores = d.candidates.map(function (c) { return c.target + (c.target === d.picked ? '*' : '') + ' ' + (Math.round(c.score * 1000) / 1000); }).join(' · ');
      return el('li', {}, d.strategy + ' → ' + d.picked + ' [' + scores + ']');
    }, 'no decisions yet');
    $('dropped').textContent = s.droppedEvents ? s.droppedEvents + ' events dropped for slow clients' : '';
    $('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
  }
  function renderFeed() {
    renderList('events', feed, function (x) {
      return el('li', { class: 'ev ' + x.level, 'data-type': x.type }, new Date(x.at).toLocaleTimeString() + ' ' + x.text);
    }, 'no events yet');
  }
  function onEvent(e) {
    if (e.type === 'target:ejected' && e.target) setState(e.target, 'open');
    if (e.type === 'target:restored' && e.target) setState(e.target, 'closed');
    feed.unshift(e);
    if (feed.length > 50) feed.pop();
    renderFeed();
  }
  function connect() {
    var proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    var ws;
    try {
      ws = new WebSocket(proto + '//' + location.host + '/ws', ['switchyard-monitor', 'token.' + token]);
    } catch (err) { setTimeout(connect, 1000); return; }
    ws.onopen = function () { status.textContent = 'connected'; document.body.setAttribute('data-connection', 'connected'); };
    ws.onmessage = function (m) {
      var msg = JSON.parse(m.data);
      if (msg.type === 'snapshot') renderSnapshot(msg.data);
      else if (msg.type === 'event') onEvent(msg.data);
      else if (msg.type === 'events') { feed = msg.data.slice().reverse(); renderFeed(); }
    };
    ws.onclose = function () {
      status.textContent = 'disconnected — reconnecting…';
      document.body.setAttribute('data-connection', 'disconnected');
      setTimeout(connect, 1000);
    };
  }
  if (!token) { status.textContent = 'no token: open the URL the monitor printed (…#token=…)'; return; }
  connect();
})();
`;
