'use strict';
// The JavaScript twin of scripts/compute-loop.hv: 3M iterations with a call.
function add(a, b) { return a + b; }
const n = 3000000;
const t0 = Date.now();
let s = 0;
let i = 0;
while (i < n) {
  s = add(s, i);
  i++;
}
console.log(JSON.stringify({ impl: 'node', workload: 'script_compute', n, total_ms: Date.now() - t0, ok: s === 4499998500000 }));
