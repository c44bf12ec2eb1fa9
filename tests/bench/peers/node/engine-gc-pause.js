'use strict';
// The JavaScript twin of scripts/gc-pause.hv: 200k live objects, a 1 ms interval making 200
// cyclic objects per tick, and a 5 ms interval measuring its own lateness for 2 s.
const live = [];
for (let i = 0; i < 200000; i++) live.push({ a: i, b: 'x' });
const churn = setInterval(() => {
  for (let k = 0; k < 200; k++) {
    const o = { id: k };
    o.self = o;
  }
}, 1);
const gaps = [];
let last = process.hrtime.bigint();
const start = last;
const probe = setInterval(() => {
  const now = process.hrtime.bigint();
  gaps.push(Number(now - last) / 1000 - 5000);
  last = now;
  if (Number(now - start) / 1e9 > 2) {
    clearInterval(probe);
    clearInterval(churn);
    const sorted = [...gaps].sort((a, b) => a - b);
    const p99 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)];
    console.log(JSON.stringify({ impl: 'node', workload: 'engine_gc_pause', ticks: gaps.length,
      p99_us: Math.round(p99), max_us: Math.round(sorted[sorted.length - 1]), ok: live.length === 200000 }));
  }
}, 5);
