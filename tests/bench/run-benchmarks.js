'use strict';
// Runs every benchmark of issue 5 several times, interleaved, and prints a Markdown table of
// medians with ratios against Node.js. run-benchmarks.sh builds the programs and calls this.
//
//   node run-benchmarks.js --bench-dir DIR [--havel PATH] [--rounds 5] [--quick]
//                          [--scripts-only | --engine-only] [--out table.md] [--raw results.jsonl]
//                          [--loaded]
//
// --loaded runs the timer-core workloads a second time while two processes spin, and adds
// that table and each target's drift from its quiet value (issue 12).
//
// Every measurement is one fresh process, so that no workload inherits another's heap or
// threads. Each round runs every workload once for every implementation, rotating which
// implementation goes first, so that the machine's noise falls on all of them alike; the
// table shows the median over the rounds.

const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const HERE = __dirname;
const NODE_PEER = path.join(HERE, 'peers', 'node', 'timers-bench.js');
const IMPLS = ['havel', 'node', 'node_jit', 'old_havel'];
const OLD_N = 2000;

function parseArgs(argv) {
  const options = { rounds: 5, benchDir: null, havel: null, quick: false, out: null, raw: null, scriptsOnly: false,
    engineOnly: false, loaded: false };
  for (let i = 2; i < argv.length; i++) {
    const value = () => argv[++i];
    switch (argv[i]) {
      case '--bench-dir': options.benchDir = value(); break;
      case '--havel': options.havel = value(); break;
      case '--scripts-only': options.scriptsOnly = true; break;
      case '--engine-only': options.scriptsOnly = true; options.engineOnly = true; break;
      case '--rounds': options.rounds = Number(value()); break;
      case '--quick': options.quick = true; break;
      case '--out': options.out = value(); break;
      case '--raw': options.raw = value(); break;
      case '--loaded': options.loaded = true; break;
      default:
        process.stderr.write(`run-benchmarks.js: unknown argument ${argv[i]}\n`);
        process.exit(64);
    }
  }
  if (!options.benchDir || !(options.rounds >= 1)) {
    process.stderr.write('usage: node run-benchmarks.js --bench-dir DIR [--havel PATH] '
        + '[--rounds N] [--quick] [--out FILE] [--raw FILE] [--loaded]\n');
    process.exit(64);
  }
  return options;
}

// One group per workload and parameter; each maps an implementation to the command that
// measures it. Sizes: 100k timers for Havel and Node, 2000 for the old design (a thread each).
function groups(options) {
  const havelBench = path.join(options.benchDir, 'havel-bench');
  const oldBench = path.join(options.benchDir, 'havel-bench-old');
  const n = options.quick ? 10000 : 100000;
  const oldN = options.quick ? 500 : OLD_N;
  const ks = options.quick ? [0, 10000] : [0, 10000, 100000];
  const window = options.quick ? 1000 : 3000;
  const commands = (args, oldArgs) => ({
    havel: [havelBench, '--n', String(n), ...args],
    node: [process.execPath, '--expose-gc', NODE_PEER, '--n', String(n), ...args],
    ...(oldArgs ? { old_havel: [oldBench, '--n', String(oldN), ...oldArgs] } : {}),
  });
  const list = [];
  for (const order of ['creation', 'reverse', 'random']) {
    const args = ['--workload', 'create_cancel', '--order', order];
    list.push({ id: `create_cancel/${order}`, commands: commands(args, args) });
  }
  for (const delay of [0, 1]) {
    const args = ['--workload', 'fire', '--delay', String(delay)];
    list.push({ id: `fire/${delay}`, commands: commands(args, args) });
  }
  for (const k of ks) {
    const args = ['--workload', 'lateness', '--k', String(k)];
    // The old design needs a thread per live timer: K = 0 only.
    list.push({ id: `lateness/${k}`, commands: commands(args, k === 0 ? args : null) });
  }
  list.push({ id: 'memory', commands: commands(['--workload', 'memory'], ['--workload', 'memory']) });
  const idle = ['--workload', 'idle', '--window', String(window)];
  list.push({ id: 'idle', commands: commands(idle, idle) });

  // --- Timer core, issue 12: cold lateness and a million live timers (Havel and Node only).
  const coldK = n;
  list.push({ id: `lateness_cold/${coldK}`,
    commands: commands(['--workload', 'lateness_cold', '--k', String(coldK)]) });
  const millionN = options.quick ? 100000 : 1000000;
  list.push({ id: 'million', commands: {
    havel: [havelBench, '--workload', 'million', '--n', String(millionN)],
    node: [process.execPath, NODE_PEER, '--workload', 'million', '--n', String(millionN)],
  } });
  // --- end of the timer core's issue-12 block

  if (options.scriptsOnly) list.length = 0;
  // Script workloads. Timer workloads compare with Node as it runs by default; pure-language
  // ones with `node --jitless` (V8's own interpreter), and with its JIT as a figure to know.
  for (const [id, script, peer, jitless] of [
    ['script_create_clear', 'create-clear.hv', 'script-create-clear.js', false],
    ['script_fire', 'fire-zero.hv', 'script-fire-zero.js', false],
    ['script_interval', 'interval-alloc.hv', 'script-interval-alloc.js', false],
    ['script_busy', 'busy-interval.hv', 'script-busy-interval.js', false],
    ['script_compute', 'compute-loop.hv', 'script-compute-loop.js', true],
    ['script_objects', 'small-objects.hv', 'script-small-objects.js', true],
    ['script_string', 'string-append.hv', 'script-string-append.js', true],
  ]) {
    const havelCommand = options.havel
      ? [options.havel, path.join(HERE, 'scripts', script)]
      : null;
    const nodeScript = path.join(HERE, 'peers', 'node', peer);
    list.push({
      id,
      commands: {
        ...(havelCommand ? { havel: havelCommand } : {}),
        node: [process.execPath, ...(jitless ? ['--jitless'] : []), nodeScript],
        ...(jitless ? { node_jit: [process.execPath, nodeScript] } : {}),
      },
      skipped: havelCommand ? null : { havel: 'skipped: havel not built' },
    });
  }
  if (options.engineOnly) list.length = 0;
  engineGroups(options, list);
  return { list, n, oldN, ks, coldK, millionN, scriptsOnly: options.scriptsOnly, engineOnly: options.engineOnly };
}

// --- The engine block (issue 10): memory per script value, and the collector's pauses -------
// A memory group runs its script twice under GNU time, as it is and with `n = 0`, and gives
// the difference in peak RSS divided by n: what one more timer or object costs, start-up and
// the runtime's own memory left out. The pause group measures timer lateness while a script
// churns cyclic garbage with 200k objects live; Havel's line adds the collector's own pauses.
const GNU_TIME = '/usr/bin/time';

function engineGroups(options, list) {
  const script = (name) => (options.havel ? [options.havel, path.join(HERE, 'scripts', name)] : null);
  const peer = (name) => [process.execPath, path.join(HERE, 'peers', 'node', name)];
  const skipped = options.havel ? null : { havel: 'skipped: havel not built' };
  const memorySkip = fs.existsSync(GNU_TIME) ? null : `skipped: no ${GNU_TIME} (apt-get install time)`;
  for (const [id, hv, js] of [
    ['engine_memory_timers', 'memory-timers.hv', 'engine-memory-timers.js'],
    ['engine_memory_objects', 'memory-objects.hv', 'engine-memory-objects.js'],
  ]) {
    const havel = script(hv);
    list.push({ id, memory: true, commands: { ...(havel ? { havel } : {}), node: peer(js) },
      skipped: memorySkip ? { havel: memorySkip, node: memorySkip } : skipped });
  }
  const havel = script('gc-pause.hv');
  list.push({ id: 'engine_gc_pause', commands: { ...(havel ? { havel } : {}), node: peer('engine-gc-pause.js') },
    skipped });
}

function peakRssKb(command) {
  const out = path.join(os.tmpdir(), `havel-bench-rss-${process.pid}.txt`);
  const outcome = runOnce([GNU_TIME, '-f', '%M', '-o', out, ...command]);
  if (!outcome.error) outcome.rssKb = Number(fs.readFileSync(out, 'utf8').trim().split('\n').pop());
  fs.rmSync(out, { force: true });
  return outcome;
}

function runMemory(command) {
  const file = command[command.length - 1];
  const source = fs.readFileSync(file, 'utf8');
  const pattern = /^(const )?n = (\d+)(;?)$/m;
  const match = pattern.exec(source);
  if (!match) return { error: `no "n = N" line in ${file}` };
  const n = Number(match[2]);
  const empty = path.join(os.tmpdir(), `havel-bench-n0-${process.pid}${path.extname(file)}`);
  fs.writeFileSync(empty, source.replace(pattern, `$1n = 0$3`));
  const base = peakRssKb([...command.slice(0, -1), empty]);
  fs.rmSync(empty, { force: true });
  if (base.error) return base;
  const full = peakRssKb(command);
  if (full.error) return full;
  const bytes = ((full.rssKb - base.rssKb) * 1024) / n;
  return { results: full.results.map((r) => ({ ...r, bytes_per_item: bytes, rss_kb: full.rssKb, base_rss_kb: base.rssKb })) };
}

function runOnce(command) {
  const started = process.hrtime.bigint();
  const child = spawnSync(command[0], command.slice(1), {
    encoding: 'utf8',
    timeout: 300000,
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, QT_LOGGING_RULES: 'havel.timers.info=false' },
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const results = [];
  for (const line of (child.stdout || '').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      results.push({ ...JSON.parse(line), process_ms: wallMs });
    } catch (e) {
      // Output that is not a result (a script's own print) is ignored.
    }
  }
  if (child.error || child.status !== 0 || results.length === 0) {
    const why = child.error ? child.error.message
      : child.status !== 0 ? `exit ${child.status}` : 'no result';
    const stderr = (child.stderr || '').trim().split('\n').slice(-3).join(' | ');
    return { error: `${why}${stderr ? `: ${stderr}` : ''}` };
  }
  return { results };
}

function median(values) {
  const sorted = values.filter((v) => typeof v === 'number').sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function format(value) {
  if (value === null || value === undefined) return '—';
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toFixed(2)} M`;
  if (abs >= 1e4) return `${(value / 1e3).toFixed(1)} k`;
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

// The rows of the table: which group and metric, how to aggregate, and the target if any.
function rows(sizes) {
  const kLabel = (k) => (k >= 1e6 ? `${k / 1e6}M` : k >= 1000 ? `${k / 1000}k` : String(k));
  const n = kLabel(sizes.n);
  const list = [];
  for (const order of sizes.scriptsOnly ? [] : ['creation', 'reverse', 'random']) {
    const group = `create_cancel/${order}`;
    list.push({ group, metric: 'total_ms', label: `create+cancel ${n}, ${order} order: total ms`,
      target: { text: '≤ 1.0 × Node', check: (h, nd) => h <= nd } });
    list.push({ group, metric: 'call_rate_per_s', label: `… ${order}: calls/s` });
    list.push({ group, metric: 'processed_rate_per_s', label: `… ${order}: processed by timer thread/s` });
  }
  if (!sizes.scriptsOnly) {
  list.push({ group: 'fire/0', metric: 'callbacks_per_s', label: `fire ${n} zero-delay: callbacks/s`,
    higherIsBetter: true, target: { text: '≥ 1.5 × Node', check: (h, nd) => h >= 1.5 * nd } });
  list.push({ group: 'fire/1', metric: 'callbacks_per_s', label: `fire ${n} 1 ms: callbacks/s` });
  for (const k of sizes.ks) {
    const group = `lateness/${k}`;
    const last = k === sizes.ks[sizes.ks.length - 1];
    list.push({ group, metric: 'p50_us', label: `lateness, K = ${kLabel(k)}: p50 µs` });
    list.push({ group, metric: 'p99_us', label: `… K = ${kLabel(k)}: p99 µs`,
      target: last ? { text: '≤ 500 µs', check: (h) => h <= 500 } : null });
    list.push({ group, metric: 'max_us', label: `… K = ${kLabel(k)}: max µs` });
    // Never early is a promise about every run: the worst (lowest) run is shown, not the median.
    list.push({ group, metric: 'min_us', label: `… K = ${kLabel(k)}: min µs (lowest run)`, aggregate: 'min', noRatio: true,
      target: last ? { text: '≥ 0 (never early)', check: (h) => h >= 0 } : null });
  }
  list.push({ group: 'memory', metric: 'bytes_per_timer', label: `memory at ${n} live: RSS bytes/timer`,
    target: { text: '≤ 250 B', check: (h) => h <= 250 } });
  list.push({ group: 'idle', metric: 'wakeups_per_s', label: '1000 idle 60 s intervals: wake-ups/s (highest run)',
    aggregate: 'max', target: { text: '0 (no fire is due)', check: (h) => h <= 0 } });
  list.push({ group: 'idle', metric: 'cpu_ms_per_s', label: '… idle: CPU ms/s' });

  // --- Timer core, issue 12: cold lateness and a million live timers.
  const cold = `lateness_cold/${sizes.coldK}`;
  const coldLabel = kLabel(sizes.coldK);
  list.push({ group: cold, metric: 'p50_us', label: `cold lateness, ${coldLabel} just made on another thread: p50 µs` });
  list.push({ group: cold, metric: 'p99_us', label: `… cold, K = ${coldLabel}: p99 µs`,
    target: { text: '≤ 500 µs', check: (h) => h <= 500 } });
  list.push({ group: cold, metric: 'max_us', label: `… cold, K = ${coldLabel}: max µs` });
  list.push({ group: cold, metric: 'min_us', label: `… cold, K = ${coldLabel}: min µs (lowest run)`, aggregate: 'min', noRatio: true,
    target: { text: '≥ 0 (never early)', check: (h) => h >= 0 } });
  const m = kLabel(sizes.millionN);
  list.push({ group: 'million', metric: 'create_ms', label: `${m} live: made, until the timer thread has them: ms`,
    target: { text: '≤ 1000 ms', check: (h) => h <= 1000 } });
  list.push({ group: 'million', metric: 'p99_us', label: `… ${m} live: p99 lateness of 1000 timeouts, µs`,
    target: { text: '≤ 1000 µs', check: (h) => h <= 1000 } });
  list.push({ group: 'million', metric: 'min_us', label: `… ${m} live: min lateness µs (lowest run)`, aggregate: 'min', noRatio: true,
    target: { text: '≥ 0 (never early)', check: (h) => h >= 0 } });
  list.push({ group: 'million', metric: 'cancel_ms', label: `… ${m} live: cancel all, random order: ms`,
    target: { text: '≤ 1.0 × Node', check: (h, nd) => h <= nd } });
  // --- end of the timer core's issue-12 block
  }
  const twice = { text: '≤ 2 × Node', check: (h, nd) => h <= 2 * nd };
  const once = { text: '≤ 1 × node --jitless', check: (h, nd) => h <= nd };
  list.push({ group: 'script_create_clear', metric: 'total_ms', label: 'script: create+clear 100k: total ms', target: twice });
  list.push({ group: 'script_fire', metric: 'total_ms', label: 'script: fire 100k zero-delay: total ms', target: twice });
  list.push({ group: 'script_interval', metric: 'total_ms', label: 'script: 1 ms interval, closure + object per tick, 1000 ticks: total ms', target: twice });
  list.push({ group: 'script_busy', metric: 'tick_share_pct', label: 'script: 20 ms interval while the body spins 1 s: % of ticks run', noRatio: true,
    target: { text: '≥ 80 %', check: (h) => h >= 80 } });
  for (const [group, label] of [
    ['script_compute', 'script: compute loop, 3M iterations with a call: total ms (Node: --jitless)'],
    ['script_objects', 'script: 200k small objects: total ms (Node: --jitless)'],
    ['script_string', 'script: string += to 200k chars: total ms (Node: --jitless)'],
  ]) {
    list.push({ group, metric: 'total_ms', label, target: once });
    list.push({ group, metric: 'total_ms', label: '… the same in Node with its JIT', impl: 'node_jit' });
  }
  if (sizes.engineOnly) list.length = 0;
  // The engine block (issue 10).
  list.push({ group: 'engine_memory_timers', metric: 'bytes_per_item', label: 'engine: memory per script timer with its closure: peak RSS bytes',
    target: { text: '≤ 1 KB', check: (h) => h <= 1024 } });
  list.push({ group: 'engine_memory_objects', metric: 'bytes_per_item', label: 'engine: memory per small object {a: i, b: "x"}: peak RSS bytes',
    target: { text: '≤ 150 B', check: (h) => h <= 150 } });
  list.push({ group: 'engine_gc_pause', metric: 'p99_us', label: 'engine: 5 ms interval while 1 ms ticks churn cyclic garbage, 200k live: lateness p99 µs' });
  list.push({ group: 'engine_gc_pause', metric: 'max_us', label: '… lateness max µs (highest run)', aggregate: 'max' });
  list.push({ group: 'engine_gc_pause', metric: 'max_young_pause_us', label: '… Havel\'s longest young collection µs (highest run)', aggregate: 'max', noRatio: true });
  list.push({ group: 'engine_gc_pause', metric: 'max_full_pause_us', label: '… Havel\'s longest full collection µs, while the 200k were made (highest run)', aggregate: 'max', noRatio: true });
  return list;
}

function aggregate(runs, metric, how) {
  const values = runs.map((r) => r[metric]).filter((v) => typeof v === 'number');
  if (values.length === 0) return null;
  if (how === 'min') return Math.min(...values);
  if (how === 'max') return Math.max(...values);
  return median(values);
}

function machine() {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const model = (/model name\s*:\s*(.*)/.exec(cpuinfo) || [])[1] || 'unknown';
  const memGiB = (os.totalmem() / 2 ** 30).toFixed(1);
  return `${os.cpus().length} CPUs (nproc), ${model}, ${memGiB} GiB RAM, `
      + `${os.type()} ${os.release()}, Node ${process.version}`;
}

// The commit measured, so that a table can be traced to the code it describes.
function revision() {
  const git = (args) => spawnSync('git', ['-C', HERE, ...args], { encoding: 'utf8' });
  const head = git(['rev-parse', '--short', 'HEAD']);
  if (head.status !== 0) return 'unknown (not a git checkout)';
  const dirty = git(['status', '--porcelain', '--untracked-files=no', '--', '../../src']).stdout.trim();
  return `${head.stdout.trim()}${dirty ? ' with uncommitted changes under src/' : ''}`;
}

// Runs every group of @p list @p rounds times, interleaved, rotating the implementations.
function measure(list, rounds, tag) {
  const results = {}; // group id -> impl -> [result]
  const errors = {};  // group id -> impl -> message
  const failures = []; // every failed run, so that a median over fewer rounds is not hidden
  const raw = [];
  for (let round = 0; round < rounds; round++) {
    for (const group of list) {
      const impls = IMPLS.filter((impl) => group.commands[impl]);
      const rotated = impls.map((_, i) => impls[(i + round) % impls.length]);
      for (const impl of rotated) {
        process.stderr.write(`${tag}round ${round + 1}/${rounds}: ${group.id} ${impl}\n`);
        if (group.skipped && group.skipped[impl]) continue;
        const outcome = group.memory ? runMemory(group.commands[impl]) : runOnce(group.commands[impl]);
        const slot = ((results[group.id] ||= {})[impl] ||= []);
        if (outcome.error) {
          (errors[group.id] ||= {})[impl] = outcome.error;
          failures.push(`${tag}${group.id} ${impl} (round ${round + 1}): ${outcome.error}`);
          continue;
        }
        for (const result of outcome.results) {
          slot.push(result);
          raw.push({ round: round + 1, ...(tag ? { loaded: true } : {}), group: group.id, ...result });
        }
      }
    }
  }
  return { results, errors, failures, raw };
}

// The table of one measurement: its Markdown lines, the targets missed, and each row's
// Havel and Node figures (for the loaded round's comparison).
function render(sizes, measured) {
  const { results, errors } = measured;
  const skipped = Object.fromEntries(sizes.list.map((g) => [g.id, g.skipped || {}]));
  const cell = (groupId, impl, row) => {
    const reason = (skipped[groupId] || {})[impl] || (errors[groupId] || {})[impl];
    const runs = (results[groupId] || {})[impl] || [];
    const value = aggregate(runs, row.metric, row.aggregate);
    // A failure's message lands in a table cell: no pipes, no line breaks, kept short.
    const why = reason ? reason.replace(/[|\n]/g, ' ').slice(0, 80) : '—';
    return { value, text: value === null ? why : format(value) };
  };

  const lines = [];
  lines.push(`| Workload | Havel | Node | Havel ÷ Node | Old Havel (N = ${sizes.oldN}) | Target | Met |`);
  lines.push('|---|---:|---:|---:|---:|---|---|');
  const missed = [];
  const figures = [];
  const measuredGroups = new Set(sizes.list.map((g) => g.id));
  for (const row of rows(sizes)) {
    if (!measuredGroups.has(row.group)) continue; // the loaded round leaves the scripts out
    const havel = cell(row.group, 'havel', row);
    const node = cell(row.group, row.impl || 'node', row);
    const old = cell(row.group, 'old_havel', row);
    const ratio = !row.noRatio && havel.value !== null && node.value
      ? `${(havel.value / node.value).toFixed(2)}×` : '—';
    let met = '';
    if (row.target) {
      if (havel.value === null || (row.target.check.length > 1 && node.value === null)) {
        met = 'not measured';
      } else if (row.target.check(havel.value, node.value)) {
        met = 'yes';
      } else {
        met = '**no**';
        missed.push(`${row.group} ${row.metric}`); // unambiguous where the label says "…"
      }
    }
    figures.push({ row, havel: havel.value, node: node.value });
    lines.push(`| ${row.label} | ${havel.text} | ${node.text} | ${ratio} | ${old.text} | `
        + `${row.target ? row.target.text : ''} | ${met} |`);
  }
  return { lines, missed, figures };
}

// --- Timer core, issue 12: the loaded round. Two processes spin on the machine's cores while
// every timer-core workload runs again; each targeted row's ratio (Havel ÷ Node, or Havel's
// own figure where Node has none) must stay within 1.5× of its quiet value, in the direction
// that is worse.
function spinners(count) {
  const list = [];
  for (let i = 0; i < count; i++) {
    list.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  }
  return list;
}

function driftTable(quiet, loaded) {
  const lines = [];
  lines.push('| Row | Quiet | Loaded | Loaded ÷ quiet (worse way) | Target | Met |');
  lines.push('|---|---:|---:|---:|---|---|');
  const missed = [];
  const loadedByLabel = new Map(loaded.figures.map((f) => [f.row.label, f]));
  for (const q of quiet.figures) {
    const l = loadedByLabel.get(q.row.label);
    if (!q.row.target || !l) continue;
    const vsNode = !q.row.noRatio && q.node !== null && l.node !== null;
    const figure = (f) => (f.havel === null ? null
      : vsNode ? (f.node ? f.havel / f.node : null) : f.havel);
    const qv = figure(q);
    const lv = figure(l);
    const unit = vsNode ? '×' : '';
    let drift = null;
    if (q.row.aggregate === 'min') {
      drift = null; // never early is checked in both tables; a minimum has no ratio
    } else if (qv !== null && lv !== null && qv > 0 && lv > 0) {
      drift = q.row.higherIsBetter ? qv / lv : lv / qv;
    }
    const met = drift === null ? '—' : drift <= 1.5 ? 'yes' : '**no**';
    if (drift !== null && drift > 1.5) missed.push(`${q.row.group} ${q.row.metric}`);
    const show = (v) => (v === null ? '—' : vsNode ? `${v.toFixed(2)}${unit}` : format(v));
    lines.push(`| ${q.row.label} | ${show(qv)} | ${show(lv)} | `
        + `${drift === null ? '—' : `${drift.toFixed(2)}×`} | ${drift === null ? '' : '≤ 1.5×'} | ${met} |`);
  }
  return { lines, missed };
}
// --- end of the timer core's issue-12 block

function main() {
  const options = parseArgs(process.argv);
  const sizes = groups(options);
  const quiet = measure(sizes.list, options.rounds, '');
  const table = render(sizes, quiet);

  const header = [
    `Machine: ${machine()}.`,
    `Code: ${revision()}. Command: \`tests/bench/run-benchmarks.sh ${process.argv.slice(2)
        .filter((a, i, all) => !['--bench-dir', '--havel'].includes(a)
            && !['--bench-dir', '--havel'].includes(all[i - 1])).join(' ')}\`.`,
    `Rounds: ${options.rounds}, interleaved; medians unless the row says otherwise. `
        + `Havel and Node at N = ${sizes.n}; the old design at N = ${sizes.oldN}.`,
    '',
  ];
  let text = header.concat(table.lines).join('\n') + '\n';
  if (table.missed.length) text += `\nMissed targets: ${table.missed.join('; ')}\n`;
  let failures = quiet.failures;
  let raw = quiet.raw;

  if (options.loaded && !options.scriptsOnly) {
    // The timer-core groups only: the script and engine rows are the engine's, and take long.
    const coreList = sizes.list.filter((g) => !g.id.startsWith('script_') && !g.id.startsWith('engine_'));
    const spinning = spinners(2);
    let loaded;
    try {
      loaded = measure(coreList, options.rounds, 'loaded ');
    } finally {
      for (const child of spinning) child.kill('SIGKILL');
    }
    const loadedTable = render({ ...sizes, list: coreList }, loaded);
    const drift = driftTable(table, loadedTable);
    text += '\nThe loaded round: the same workloads while two processes spin (`node -e "for (;;) {}"`), '
        + 'one per core.\n\n' + loadedTable.lines.join('\n') + '\n';
    if (loadedTable.missed.length) text += `\nMissed targets under load: ${loadedTable.missed.join('; ')}\n`;
    text += '\nEach targeted row, quiet against loaded (Havel ÷ Node; Havel\'s own figure where Node '
        + 'has none):\n\n' + drift.lines.join('\n') + '\n';
    if (drift.missed.length) text += `\nDrift beyond 1.5×: ${drift.missed.join('; ')}\n`;
    failures = failures.concat(loaded.failures);
    raw = raw.concat(loaded.raw);
  }

  process.stdout.write(text);
  if (failures.length) process.stdout.write(`\nFailed runs:\n${failures.map((f) => `- ${f}`).join('\n')}\n`);
  if (options.out) fs.writeFileSync(options.out, text);
  if (options.raw) fs.writeFileSync(options.raw, raw.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

main();
