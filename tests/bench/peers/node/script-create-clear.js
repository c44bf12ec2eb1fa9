'use strict';
// The JavaScript a user would write for scripts/create-clear.hv: create 100k timeouts of
// 60 s, then clear them all in creation order. Prints one JSON line for run-benchmarks.js.
function noop() {}

const n = 100000;
const t0 = Date.now();
const timers = [];
for (let i = 0; i < n; i++) timers.push(setTimeout(noop, 60000));
for (const timer of timers) clearTimeout(timer);
console.log(JSON.stringify({
  impl: 'node', workload: 'script_create_clear', n, total_ms: Date.now() - t0, ok: true,
}));
