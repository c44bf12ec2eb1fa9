// `process`: process.exit(code), with which Havel's scripts end on a failure; `system`
// (also `sys`): the collector (gc, gcStats), the time and sleep.
#include "moduleutil.h"

#include <heap.h>
#include <vmhost.h>

#include <QtCore/QDateTime>
#include <QtCore/QElapsedTimer>

#include <chrono>

namespace havel::script::modules {

void installProcess(Vm &vm)
{
    // process.exit(code) is exit(code): it ends the run at once, from anywhere.
    ModuleBuilder process(vm, QStringLiteral("process"));
    process.function(QStringLiteral("exit"), [](Vm &vm, std::vector<Value> &args, int line) -> Value {
        Builtins::expectArgs(args, 0, 1, QStringLiteral("process.exit"), line);
        qint64 code = 0;
        if (!args.empty()) {
            if (!args.front().isInt() || args.front().asInt() < 0 || args.front().asInt() > 255)
                fail(line, QStringLiteral("process.exit: code must be an integer from 0 to 255"));
            code = args.front().asInt();
        }
        vm.host().requestExit(int(code));
        throw StopUnwind{};
    });
    process.install();

    struct GcCounters
    {
        qint64 collections = 0;
        qint64 lastPauseNs = 0;
        qint64 freed = 0;
    };
    auto counters = std::make_shared<GcCounters>(); // the interpreter thread's alone
    ModuleBuilder system(vm, QStringLiteral("system"));
    system.function(QStringLiteral("gc"), [counters](Vm &vm, std::vector<Value> &args, int line) {
        Builtins::expectArgs(args, 0, 0, QStringLiteral("system.gc"), line);
        QElapsedTimer clock;
        clock.start();
        counters->freed = vm.heap().collect();
        counters->lastPauseNs = clock.nsecsElapsed();
        ++counters->collections;
        return Value(counters->freed);
    });
    system.function(QStringLiteral("gcStats"), [counters](Vm &vm, std::vector<Value> &args, int line) {
        Builtins::expectArgs(args, 0, 0, QStringLiteral("system.gcStats"), line);
        auto stats = makeRef<Object>(&vm.heap());
        stats->set(QStringLiteral("collections"), counters->collections);
        stats->set(QStringLiteral("objectCount"), vm.heap().objectCount());
        stats->set(QStringLiteral("heapSize"), vm.heap().objectCount()); // tracked objects
        stats->set(QStringLiteral("lastPauseNs"), counters->lastPauseNs);
        stats->set(QStringLiteral("lastFreed"), counters->freed);
        // The collector's own passes (young and full, at the VM's budget checks).
        const Heap::Stats &heap = vm.heap().stats();
        stats->set(QStringLiteral("youngCollections"), heap.youngCollections);
        stats->set(QStringLiteral("fullCollections"), heap.fullCollections);
        stats->set(QStringLiteral("maxYoungPauseNs"), heap.maxYoungPauseNs);
        stats->set(QStringLiteral("maxFullPauseNs"), heap.maxFullPauseNs);
        return Value(stats);
    });
    // timeMs: the wall clock in epoch ms; clock: the steady clock in seconds (for durations).
    system.function(QStringLiteral("timeMs"), [](Vm &, std::vector<Value> &args, int line) {
        Builtins::expectArgs(args, 0, 0, QStringLiteral("system.timeMs"), line);
        return Value(QDateTime::currentMSecsSinceEpoch());
    });
    system.function(QStringLiteral("clock"), [](Vm &, std::vector<Value> &args, int line) {
        Builtins::expectArgs(args, 0, 0, QStringLiteral("system.clock"), line);
        using namespace std::chrono;
        return Value(duration<double>(steady_clock::now().time_since_epoch()).count());
    });
    system.function(QStringLiteral("sleep"), [](Vm &vm, std::vector<Value> &args, int line) {
        Builtins::expectArgs(args, 1, 1, QStringLiteral("system.sleep"), line);
        vm.sleepCurrent(Builtins::durationMs(args.front(), QStringLiteral("system.sleep"), line));
        return Value();
    });
    system.install();
    vm.defineGlobal(QStringLiteral("sys"), Value(system.object()));
}

} // namespace havel::script::modules
