'use strict';
// The JavaScript twin of scripts/memory-objects.hv: 100k small objects kept in an array.
const n = 100000;
const xs = [];
for (let i = 0; i < n; i++) xs.push({ a: i, b: 'x' });
console.log(JSON.stringify({ impl: 'node', workload: 'engine_memory_objects', n, ok: xs.length === n }));
