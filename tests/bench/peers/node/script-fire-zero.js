'use strict';
// The JavaScript a user would write for scripts/fire-zero.hv: 100k zero-delay timeouts; the
// last callback prints the time from the first call to itself as one JSON line.
const n = 100000;
let fired = 0;
const t0 = Date.now();

function onFire() {
  fired++;
  if (fired === n) {
    console.log(JSON.stringify({
      impl: 'node', workload: 'script_fire', n, total_ms: Date.now() - t0, ok: true,
    }));
  }
}

for (let i = 0; i < n; i++) setTimeout(onFire, 0);
