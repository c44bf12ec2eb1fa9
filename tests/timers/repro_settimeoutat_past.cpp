// Repro of a timer-core bug found by fault injection (issue 6), for the core's owner. Not built
// or registered with ctest, on purpose: it fails until the core is fixed. Build and run by hand:
//
//   g++ -std=c++20 -fPIC -Isrc/timers $(pkg-config --cflags Qt6Core) \
//       tests/timers/repro_settimeoutat_past.cpp build/default/src/timers/libhavel_timers.a \
//       $(pkg-config --libs Qt6Core) -o /tmp/repro && /tmp/repro
//
// setTimeoutAt() with a deadline far in the past (steady_clock::time_point::min()) computes its
// delay as dueNs - now, which overflows: UBSan reports "signed integer overflow" in
// TimerManager::setTimeoutAt, and in a normal build the wrapped value makes timerStatus() report
// an interval of about 292 years for a timeout that is already due. Expected: interval 0.
#include "timermanager.h"

#include <QtCore/QCoreApplication>

#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    havel::TimerManager manager;
    QObject context;
    const havel::TimerId id = manager.setTimeoutAt(
            &context, std::chrono::steady_clock::time_point::min(), [] { QCoreApplication::quit(); });
    // No event has run on this thread yet, so the timeout is still listed.
    const auto status = manager.timerStatus(id);
    const long long intervalMs = status ? (long long)status->interval.count() : -1;
    std::printf("interval of a timeout due in the past: %lld ms (expected 0)\n", intervalMs);
    app.exec(); // it must still fire at once
    return intervalMs == 0 ? 0 : 1;
}
