// herd's dashboard: polls /status.json and /history.json every second and draws the pool, its
// history and its events. No library, no build step; every text from the server goes in as text.
"use strict";

const HISTORY_MS = 5 * 60 * 1000;
let samples = [];
let lastSample = 0;
let scaling = null;

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

function mib(bytes) { return bytes < 0 ? "–" : (bytes / 1048576).toFixed(0) + " MiB"; }

// A counter herd does not know (an existing server's JVM, --jar) is null.
function known(v) { return v === null ? "–" : v; }

function slotCard(h) {
  const rows = [
    ["pid", h.pid], ["gen", h.generation], ["conns", known(h.connections)], ["in flight", known(h.in_flight)],
    ["requests", known(h.requests)], ["accepts won", known(h.accepts_won)], ["accepts lost", known(h.accepts_lost)],
    ["busy", h.busy === null ? "–" : Math.round(h.busy * 100) + " %"], ["RSS", mib(h.rss_bytes)],
    ["heartbeat", h.heartbeat_age_ms < 0 ? "–" : h.heartbeat_age_ms + " ms"],
  ];
  const dl = el("dl");
  for (const [k, v] of rows) dl.append(el("dt", {}, k), el("dd", {}, String(v)));
  return el("div", {
    class: "slot " + h.state + (h.retiring ? " retiring" : ""),
    "data-slot": h.slot, "data-pid": h.pid, "data-state": h.state,
  }, el("h3", {}, "slot " + h.slot, el("span", {}, h.state)), dl);
}

function render(s) {
  const a = s.address;
  document.getElementById("summary").textContent =
    `spawner ${s.spawner.pid} ${s.spawner.state}, on ${a.bind} (${a.origin}), accept queue ` +
    `${a.queued < 0 ? "?" : a.queued} of ${a.backlog < 0 ? "?" : a.backlog}, generation ${s.generation}` +
    (s.reloading ? ` (reloading to ${s.reloading})` : "") + `, scaling ${s.scaling}`;
  renderTls(s.tls);
  scaling = s;
  document.getElementById("target").textContent = s.target_handlers;
  document.getElementById("slots").replaceChildren(...s.handlers.map(slotCard));
  document.getElementById("events").replaceChildren(...s.events.slice().reverse().map(e =>
    el("li", {"data-kind": e.kind}, el("time", {}, e.at.replace("T", " ").replace(/\.\d+Z$/, "Z")),
      el("span", {class: "kind"}, e.kind), e.reason)));
}

// The certificates served and how long each has left; marked when under two weeks.
function renderTls(tls) {
  const p = document.getElementById("tls");
  p.hidden = !tls;
  if (!tls) return;
  const DAY = 86400;
  p.replaceChildren("TLS: ", ...tls.certificates.flatMap((c, i) => {
    const days = Math.floor(c.expires_in_seconds / DAY);
    const left = c.expires_in_seconds < 0 ? "expired" : `expires in ${days} day${days === 1 ? "" : "s"}`;
    const span = el("span", {class: c.expires_in_seconds < 14 * DAY ? "expiring" : "", title: c.file},
      `${c.names.join(", ") || c.subject} (${c.key}) ${left}, ${c.not_after.slice(0, 10)}`);
    return i === 0 ? [span] : ["; ", span];
  }));
}

function draw(id, series, options = {}) {
  const canvas = document.getElementById(id);
  const ctx = canvas.getContext("2d");
  const w = canvas.width, h = canvas.height, left = 44, bottom = 18, top = 8;
  ctx.clearRect(0, 0, w, h);
  const now = Date.now();
  const from = now - HISTORY_MS;
  let max = options.max || 0;
  for (const s of series) for (const [, v] of s.points) max = Math.max(max, v);
  if (max <= 0) max = 1;
  const x = t => left + (w - left - 4) * (t - from) / HISTORY_MS;
  const y = v => top + (h - top - bottom) * (1 - v / max);
  ctx.strokeStyle = "#dde1ea"; ctx.fillStyle = "#5c6475"; ctx.font = "11px system-ui, sans-serif";
  for (const f of [0, 0.5, 1]) {
    ctx.beginPath(); ctx.moveTo(left, y(max * f)); ctx.lineTo(w - 4, y(max * f)); ctx.stroke();
    ctx.fillText(options.format ? options.format(max * f) : String(Math.round(max * f * 10) / 10), 2, y(max * f) + 4);
  }
  ctx.fillText("−5 min", left, h - 4); ctx.fillText("now", w - 28, h - 4);
  let legendX = left + 60;
  for (const s of series) {
    ctx.strokeStyle = s.color; ctx.lineWidth = 2; ctx.beginPath();
    let prevY = null;
    for (const [t, v] of s.points) {
      if (t < from) continue;
      const px = x(t), py = y(v);
      if (prevY === null) ctx.moveTo(px, py);
      else { if (s.step) ctx.lineTo(px, prevY); ctx.lineTo(px, py); }
      prevY = py;
    }
    ctx.stroke(); ctx.lineWidth = 1;
    ctx.fillStyle = s.color; ctx.fillText(s.name, legendX, h - 4); legendX += ctx.measureText(s.name).width + 16;
  }
}

function charts() {
  samples = samples.filter(s => s.at >= Date.now() - HISTORY_MS - 2000);
  const rate = [];
  for (let i = 1; i < samples.length; i++) {
    const dt = (samples[i].at - samples[i - 1].at) / 1000;
    if (dt > 0) rate.push([samples[i].at, Math.max(0, (samples[i].requests - samples[i - 1].requests) / dt)]);
  }
  draw("chart-pool", [
    {name: "accepting", color: "#2f7d3b", step: true, points: samples.map(s => [s.at, s.accepting])},
    {name: "target", color: "#1f5fbf", step: true, points: samples.map(s => [s.at, s.target])},
    {name: "queued", color: "#c26a00", points: samples.filter(s => s.queued >= 0).map(s => [s.at, s.queued])},
  ]);
  draw("chart-rate", [{name: "req/s", color: "#1f5fbf", points: rate}], {format: v => Math.round(v)});
  draw("chart-busy", [{name: "busy", color: "#b3261e", points: samples.filter(s => s.busy >= 0).map(s => [s.at, s.busy])}],
    {max: 1, format: v => Math.round(v * 100) + " %"});
}

async function poll() {
  try {
    const [status, history] = await Promise.all([
      fetch("status.json", {cache: "no-store"}).then(r => r.json()),
      fetch("history.json?since=" + lastSample, {cache: "no-store"}).then(r => r.json()),
    ]);
    render(status);
    for (const s of history.samples) { samples.push(s); lastSample = Math.max(lastSample, s.at); }
    charts();
  } catch (e) {
    document.getElementById("summary").textContent = "no answer from the spawner (" + e + "); trying again";
  }
}

async function post(path, confirmText) {
  if (confirmText && !confirm(confirmText)) return;
  const out = document.getElementById("outcome");
  out.textContent = "…";
  const r = await fetch(path, {method: "POST"});
  out.textContent = (await r.text()).trim();
  poll();
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("more").onclick = () => post("scale?handlers=" + ((scaling?.target_handlers ?? 0) + 1));
  document.getElementById("fewer").onclick = () => post("scale?handlers=" + Math.max(1, (scaling?.target_handlers ?? 2) - 1));
  document.getElementById("auto").onclick = () => post("scale?handlers=auto");
  document.getElementById("reload").onclick = () => post("reload");
  document.getElementById("stop").onclick = () => post("stop", "Stop the whole server?");
  poll();
  setInterval(poll, 1000);
});
