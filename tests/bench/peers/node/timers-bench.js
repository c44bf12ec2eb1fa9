'use strict';
// The Node.js 20 peer of havel-bench: the same workloads, the same JSON keys, one line per
// result. Run with --expose-gc so that the memory workload can collect before it measures.
//
//   node --expose-gc timers-bench.js [--workload create_cancel,fire,lateness,memory,idle,
//                                                lateness_cold,million]
//        [--n 100000] [--order creation,reverse,random] [--delay 0,1] [--k 0,10000,100000]
//        [--count 1000] [--idle-n 1000] [--window 3000] [--smoke]
//
// Node runs timers on its one JavaScript thread, so the "script thread", the thread that
// processes the calls and the context thread are all the same: a call is processed when it
// returns. The harness still waits for the next loop turn (setImmediate) before it stops the
// clock, in the same way as havel-bench waits for its timer thread to drain.

const fs = require('fs');
const { performance } = require('perf_hooks');

const LONG_DELAY_MS = 60000;
const IMPL = 'node';

function parseArgs(argv) {
  const options = {
    workloads: ['create_cancel', 'fire', 'lateness', 'memory', 'idle', 'lateness_cold', 'million'],
    n: 100000,
    orders: ['creation', 'reverse', 'random'],
    delays: [0, 1],
    k: [0, 10000, 100000],
    count: 1000,
    idleN: 1000,
    window: 3000,
  };
  const list = (text) => text.split(',').filter((s) => s.length > 0);
  const numbers = (text) => list(text).map(Number);
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${arg} needs a value`);
      return argv[++i];
    };
    switch (arg) {
      case '--workload': {
        const v = value();
        if (v !== 'all') options.workloads = list(v);
        break;
      }
      case '--n': options.n = Number(value()); break;
      case '--order': options.orders = list(value()); break;
      case '--delay': options.delays = numbers(value()); break;
      case '--k': options.k = numbers(value()); break;
      case '--count': options.count = Number(value()); break;
      case '--idle-n': options.idleN = Number(value()); break;
      case '--window': options.window = Number(value()); break;
      case '--smoke':
        // The sizes havel-bench --smoke uses.
        options.n = Math.min(options.n, 500);
        options.count = 50;
        options.k = [1000];
        options.idleN = 100;
        options.window = 100;
        break;
      default: usage(`unknown argument ${arg}`);
    }
  }
  // A workload with no timer would wait forever for its last callback.
  if (!(options.n >= 1 && options.count >= 1 && options.idleN >= 1)) {
    usage('--n, --count and --idle-n need at least one timer');
  }
  return options;
}

function usage(message) {
  process.stderr.write(`timers-bench.js: ${message}\n`);
  process.exit(64);
}

function print(workload, fields) {
  process.stdout.write(JSON.stringify({ impl: IMPL, workload, ...fields }) + '\n');
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// mulberry32 and the Fisher-Yates walk of support/indexorder.cpp, so that every
// implementation uses the same permutation.
const SEED = 20261127;
function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1) >>> 0;
    t = (t ^ (t + Math.imul(t ^ (t >>> 7), t | 61))) >>> 0;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

function indexes(kind, n) {
  const order = Array.from({ length: n }, (_, i) => i);
  if (kind === 'reverse') {
    order.reverse();
  } else if (kind === 'random') {
    const next = mulberry32(SEED);
    for (let i = n; i > 1; i--) {
      const j = next() % i;
      [order[i - 1], order[j]] = [order[j], order[i - 1]];
    }
  } else if (kind !== 'creation') {
    usage(`unknown order ${kind}`);
  }
  return order;
}

function latenessDelay(i, count) {
  return count > 1 ? 10 + Math.floor((i * 490) / (count - 1)) : 10;
}

function percentile(sorted, p) {
  const rank = Math.min(Math.max(Math.ceil((p / 100) * sorted.length), 1), sorted.length);
  return sorted[rank - 1];
}

async function createCancel(n, order) {
  const cancelOrder = indexes(order, n);
  const timers = new Array(n);
  const start = performance.now();
  for (let i = 0; i < n; i++) timers[i] = setTimeout(() => {}, LONG_DELAY_MS);
  const created = performance.now();
  for (const index of cancelOrder) clearTimeout(timers[index]);
  const callsDone = performance.now();
  await nextTurn();
  const drained = performance.now();
  print('create_cancel', {
    order, n,
    create_ms: created - start,
    cancel_ms: callsDone - created,
    call_rate_per_s: (2 * n) / ((callsDone - start) / 1e3),
    processed_rate_per_s: (2 * n) / ((drained - start) / 1e3),
    total_ms: drained - start,
    ok: true,
  });
}

async function fire(n, delay) {
  let fired = 0;
  let first = 0;
  let last = 0;
  let done;
  const finished = new Promise((resolve) => { done = resolve; });
  const callback = () => {
    if (fired === 0) first = performance.now();
    if (++fired === n) {
      last = performance.now();
      done();
    }
  };
  const start = performance.now();
  for (let i = 0; i < n; i++) setTimeout(callback, delay);
  const created = performance.now();
  await finished;
  print('fire', {
    delay_ms: delay, n,
    create_ms: created - start,
    first_callback_ms: first - start,
    total_ms: last - start,
    callbacks_per_s: n / ((last - start) / 1e3),
    ok: fired === n,
  });
}

async function lateness(count, k, workload = 'lateness') {
  const fillers = [];
  for (let i = 0; i < k; i++) fillers.push(setTimeout(() => {}, LONG_DELAY_MS));
  // The cold variant makes the measured timers in the same turn, right after the others.
  if (workload === 'lateness') await nextTurn();
  const result = await measureLateness(count);
  for (const timer of fillers) clearTimeout(timer);
  print(workload, { k, ...result });
}

// The 1000 timeouts spread over 10-500 ms of the lateness workloads, and their statistics.
async function measureLateness(count) {
  const callAt = new Array(count);
  // Node's own deadline cannot be read: the latest it can be is when the call returned.
  const ownDueAt = new Array(count);
  const ranAt = new Array(count);
  let fired = 0;
  let done;
  const finished = new Promise((resolve) => { done = resolve; });
  for (const i of indexes('random', count)) {
    const delay = latenessDelay(i, count);
    callAt[i] = performance.now() + delay;
    setTimeout(() => {
      ranAt[i] = performance.now();
      if (++fired === count) done();
    }, delay);
    ownDueAt[i] = performance.now() + delay;
  }
  await finished;

  // As in havel-bench: lateness against the deadline taken when the call began, and "early"
  // judged against the latest deadline the call can have taken, when it returned.
  const latenessUs = ranAt.map((ran, i) => (ran - callAt[i]) * 1e3).sort((a, b) => a - b);
  const early = ranAt.filter((ran, i) => ran < ownDueAt[i]).length;
  return {
    n: count,
    p50_us: percentile(latenessUs, 50),
    p99_us: percentile(latenessUs, 99),
    max_us: latenessUs[latenessUs.length - 1],
    min_us: latenessUs[0],
    early,
    ok: fired === count,
  };
}

// n live 60 s timeouts: making them, the lateness of 1000 among them, cancelling them all in
// random order. Each phase ends at the next loop turn, as create_cancel's does.
async function million(n, count) {
  const timers = new Array(n);
  const start = performance.now();
  for (let i = 0; i < n; i++) timers[i] = setTimeout(() => {}, LONG_DELAY_MS);
  await nextTurn();
  const created = performance.now();
  const result = await measureLateness(count);
  const cancelOrder = indexes('random', n);
  const cancelStart = performance.now();
  for (const index of cancelOrder) clearTimeout(timers[index]);
  await nextTurn();
  const cancelled = performance.now();
  print('million', {
    k: n,
    ...result,
    create_ms: created - start,
    cancel_ms: cancelled - cancelStart,
  });
}

function collect() {
  if (typeof gc === 'function') gc();
}

async function memory(n) {
  let sink = 0;
  collect();
  await nextTurn();
  const before = process.memoryUsage().rss;
  // Each timer gets its own closure with some captured state, as in havel-bench.
  const timers = [];
  for (let i = 0; i < n; i++) timers.push(setTimeout(() => { sink += i; }, LONG_DELAY_MS));
  await nextTurn();
  collect();
  const after = process.memoryUsage().rss;
  // The array of handles is the benchmark's, not Node's: 8 bytes per timer, taken off.
  const handlesBytes = 8 * n;
  for (const timer of timers) clearTimeout(timer);
  print('memory', {
    n,
    rss_delta_bytes: after - before - handlesBytes,
    bytes_per_timer: (after - before - handlesBytes) / n,
    gc: typeof gc === 'function',
    ok: sink === 0,
  });
}

function threadSamples() {
  const samples = new Map();
  for (const tid of fs.readdirSync('/proc/self/task')) {
    try {
      const cpuNs = Number(fs.readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      const status = fs.readFileSync(`/proc/self/task/${tid}/status`, 'utf8');
      const voluntary = Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(status)[1]);
      samples.set(tid, { cpuNs, voluntary });
    } catch (e) {
      // The thread ended between the listing and the read.
    }
  }
  return samples;
}

async function idle(n, windowMs) {
  const timers = [];
  for (let i = 0; i < n; i++) timers.push(setInterval(() => {}, LONG_DELAY_MS));
  await sleep(200);
  const before = threadSamples();
  const start = performance.now();
  // Node has no thread that could sleep through the window for us: the window ends with a
  // timer on the loop thread, whose own wake-up is taken off the count below.
  await sleep(windowMs);
  const seconds = (performance.now() - start) / 1e3;
  const after = threadSamples();
  let wakeups = 0;
  let cpuNs = 0;
  for (const [tid, sample] of after) {
    const old = before.get(tid);
    if (!old) continue;
    wakeups += sample.voluntary - old.voluntary;
    cpuNs += sample.cpuNs - old.cpuNs;
  }
  wakeups = Math.max(0, wakeups - 1);
  for (const timer of timers) clearInterval(timer);
  print('idle', {
    n,
    window_s: seconds,
    wakeups_per_s: wakeups / seconds,
    cpu_ms_per_s: cpuNs / 1e6 / seconds,
    fires_due: n * Math.floor(seconds / 60),
    ok: true,
  });
}

async function main() {
  const options = parseArgs(process.argv);
  for (const workload of options.workloads) {
    switch (workload) {
      case 'create_cancel':
        for (const order of options.orders) await createCancel(options.n, order);
        break;
      case 'fire':
        for (const delay of options.delays) await fire(options.n, delay);
        break;
      case 'lateness':
        for (const k of options.k) await lateness(options.count, k);
        break;
      case 'lateness_cold':
        for (const k of options.k) await lateness(options.count, k, 'lateness_cold');
        break;
      case 'million':
        await million(options.n, options.count);
        break;
      case 'memory':
        await memory(options.n);
        break;
      case 'idle':
        await idle(options.idleN, options.window);
        break;
      default:
        usage(`unknown workload ${workload}`);
    }
  }
}

main();
