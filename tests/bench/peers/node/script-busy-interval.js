'use strict';
// The JavaScript twin of scripts/busy-interval.hv: a 20 ms interval while the body spins 1 s.
let ticks = 0;
const h = setInterval(() => { ticks++; }, 20);
const t0 = Date.now();
while (Date.now() - t0 < 1000) { /* spin */ }
clearInterval(h);
console.log(JSON.stringify({ impl: 'node', workload: 'script_busy', tick_share_pct: ticks * 100 / 50, ok: true }));
