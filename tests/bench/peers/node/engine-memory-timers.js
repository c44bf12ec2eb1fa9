'use strict';
// The JavaScript twin of scripts/memory-timers.hv: 100k one-hour timeouts, a closure each.
const n = 100000;
for (let i = 0; i < n; i++) setTimeout(() => i, 3600000);
console.log(JSON.stringify({ impl: 'node', workload: 'engine_memory_timers', n, ok: true }));
process.exit(0);
