'use strict';
// The JavaScript twin of scripts/string-append.hv: a string built with += to 200k characters.
const n = 200000;
const t0 = Date.now();
let s = '';
for (let i = 1; i <= n; i++) s += 'x';
console.log(JSON.stringify({ impl: 'node', workload: 'script_string', n, total_ms: Date.now() - t0, ok: s.length === n }));
