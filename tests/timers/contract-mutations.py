#!/usr/bin/env python3
"""Breaks each point of the timer contract, one at a time, and checks that its test fails.

Usage (from the repository root, after `bash .ci/setup`):
    python3 tests/timers/contract-mutations.py [NAME-PREFIX ...]

It copies src/timers into build/mutations/, applies one mutation there, builds
tst_timermanager against the copy and runs the test function meant to catch it. The
working tree is never modified. Prints one line per mutation; exits 1 if any survived.
"""
import os, shutil, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SRC = os.path.join(ROOT, 'src', 'timers')
WORK = os.path.join(ROOT, 'build', 'mutations')
MUT = os.path.join(WORK, 'src', 'timers')
BUILD = os.path.join(WORK, 'build')

PROJECT = """cmake_minimum_required(VERSION 3.25)
project(mutations CXX)
set(CMAKE_CXX_STANDARD 20)
find_package(Qt6 6.4 REQUIRED COMPONENTS Core Test)
qt_standard_project_setup()
enable_testing()
add_subdirectory(src/timers timers)
function(havel_add_test name)
    cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
    qt_add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE Qt6::Test Havel::TimersPrivate ${ARG_LIBS})
    add_test(NAME ${name} COMMAND ${name})
endfunction()
add_subdirectory(%s tests)
""" % os.path.join(ROOT, 'tests', 'timers').replace('\\', '/')

mutations = [
  ("1 clear means never", "timercore.cpp", "        return FireDecision::Gone;\n    TimerRecord &record = it->second;\n    if (record.state",
       "        return FireDecision::Run;\n    TimerRecord &record = it->second;\n    if (record.state",
   [("contextchannel.cpp", "    for (const TimerId id : retired)\n        m_callbacks.erase(id);", "")], "clearOnContextThreadDropsQueuedFire"),
  ("2 creation order", "timermanager.cpp", "    if (due.empty())\n        return;", "    if (due.empty())\n        return;\n    std::reverse(due.begin(), due.end());", [],
   "equalDeadlinesFireInCreationOrder"),
  ("3a coalescing", "timercore.cpp", "if (record.deliveryPending.exchange(true, std::memory_order_acq_rel)) {", "if (false) {", [], "intervalNeverReenters"),
  ("3b no re-entry", "contextchannel.cpp", "if (it->second.running) {", "if (false) {", [], "intervalNeverReenters"),
  ("3c nested loop runs the batch", "contextchannel.cpp", "            std::lock_guard lock(m_lock);\n            wakeLocked();\n            wakeEnsuredAt",
   "            wakeEnsuredAt", [], "nestedLoopRunsFiresDueWithIt"),
  ("4a exceptions caught", "contextchannel.cpp", "    } catch (...) {\n        failed = true;", "    } catch (const std::bad_alloc &) {\n        failed = true;", [], "exceptionIsCaughtCountedAndReported"),
  ("4b error policy", "timercore.cpp", "if (record->stopAfterErrors > 0 && errors >= quint64(record->stopAfterErrors)) {", "if (false) {", [], "errorPolicyStopsTimer"),
  ("5 pause keeps remaining", "timercore.cpp", "const qint64 dueNs = saturatingAdd(steadyNowNs(), record.pausedRemainingNs);", "const qint64 dueNs = saturatingAdd(steadyNowNs(), record.periodNs);", [], "pauseResumeKeepsRemainingTime"),
  ("6 timeout leaves registry", "timercore.cpp", "bool remove = kind == TimerKind::Timeout; // a timeout that ran leaves the registry", "bool remove = false;", [], "finishedTimeoutLeavesRegistry"),
  ("7 cleanupAll", "timercore.cpp", "        m_records.clear();\n        wake = pushRequest({TimerRequest::DisarmAll});", "        wake = pushRequest({TimerRequest::DisarmAll});", [], "cleanupAllStopsEverything"),
  ("8a negative delay", "timermanager.cpp", "    if (delay.count() < 0) {", "    if (false) {", [], "badInputIsRefused"),
  ("8b huge delay", "timercore.cpp", "    if (qAddOverflow(a, b, &sum))", "    if (false && qAddOverflow(a, b, &sum))", [], "hugeDelaysNeverFireEarly"),
  ("9 destroy drops queued", "timercore.cpp", "        stopped = m_records.size();\n        m_records.clear();", "        stopped = m_records.size();", [("contextchannel.cpp", "        closed = m_closed || !m_alive;", "        closed = !m_alive;"),
    ("contextchannel.cpp", "        dropped = m_fired.size();\n        m_fired.clear();", "        dropped = 0;")], "destroyWhileFiresAreQueued"),
  ("10 status durations", "timercore.cpp", "        record->lastCallbackNs.store(durationNs, std::memory_order_relaxed);", "", [], "statusReportsEveryField"),
  ("11 observers free of fires", "timercore.cpp", "            reschedule->push_back({TimerRequest::Arm, fired.id, nextNs, record.periodNs});", "            reschedule->push_back({TimerRequest::Arm, fired.id, nextNs, record.periodNs});\n            bumpVersion();", [], "registryVersionIgnoresFires"),
]
os.makedirs(os.path.join(WORK, 'src'), exist_ok=True)
with open(os.path.join(WORK, 'CMakeLists.txt'), 'w') as f:
    f.write(PROJECT)
shutil.rmtree(MUT, ignore_errors=True)
shutil.copytree(SRC, MUT)
# src/timers/CMakeLists.txt includes the helper every library in src/ shares.
shutil.copy(os.path.join(ROOT, 'src', 'HavelLibrary.cmake'), os.path.join(WORK, 'src'))
subprocess.run(['cmake', '-S', WORK, '-B', BUILD, '-G', 'Ninja', '-DCMAKE_BUILD_TYPE=RelWithDebInfo'],
               check=True, capture_output=True)
results = []
only = sys.argv[1:]
for name, f, old, new, extra, test in mutations:
    if only and not any(name.startswith(o) for o in only): continue
    shutil.rmtree(MUT, ignore_errors=True)
    shutil.copytree(SRC, MUT)
    for ff, o, n in [(f, old, new)] + extra:
        p = os.path.join(MUT, ff); s = open(p).read()
        if o not in s: results.append((name, 'MUTATION DID NOT APPLY: ' + o[:40])); break
        open(p, 'w').write(s.replace(o, n, 1))
    else:
        b = subprocess.run(['cmake', '--build', BUILD, '--target', 'tst_timermanager'], capture_output=True, text=True)
        if b.returncode: results.append((name, 'BUILD FAILED ' + b.stdout[-300:])); continue
        r = subprocess.run([BUILD + '/tests/tst_timermanager', test], capture_output=True, text=True, timeout=120)
        results.append((name, f'{test}: ' + ('FAILS (caught)' if r.returncode else 'still passes (NOT caught)')))
for n, r in results: print(f'{n:28} {r}')
shutil.rmtree(MUT, ignore_errors=True)
sys.exit(0 if all(r.endswith('FAILS (caught)') for _, r in results) else 1)
