'use strict';
// The JavaScript twin of scripts/interval-alloc.hv: a 1 ms interval making a closure and an
// object on every tick, for 1000 ticks.
const n = 1000;
let ticks = 0;
let keep = null;
const t0 = Date.now();
const h = setInterval(() => {
  ticks++;
  const o = { tick: ticks, label: 't' };
  keep = () => o.tick;
  if (ticks === n) {
    clearInterval(h);
    console.log(JSON.stringify({ impl: 'node', workload: 'script_interval', n, total_ms: Date.now() - t0, ok: keep() === n }));
  }
}, 1);
