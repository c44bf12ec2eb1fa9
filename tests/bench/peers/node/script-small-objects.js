'use strict';
// The JavaScript twin of scripts/small-objects.hv: 200k small objects kept in an array.
const n = 200000;
const t0 = Date.now();
const xs = [];
for (let i = 1; i <= n; i++) xs.push({ a: i, b: 'x' });
console.log(JSON.stringify({ impl: 'node', workload: 'script_objects', n, total_ms: Date.now() - t0, ok: xs.length === n }));
