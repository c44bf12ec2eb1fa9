#include "idlewindow.h"

#include <thread>

namespace havel::bench {

IdleWindow::Result IdleWindow::measure(std::chrono::milliseconds settle,
                                       std::chrono::milliseconds window)
{
    const int self = ProcStats::currentThreadId();
    std::this_thread::sleep_for(settle);
    const std::map<int, ProcStats::ThreadSample> before = ProcStats::threads();
    const auto start = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(window);
    const std::map<int, ProcStats::ThreadSample> after = ProcStats::threads();

    Result result;
    result.window = std::chrono::steady_clock::now() - start;
    for (const auto &[tid, sample] : after) {
        const auto it = before.find(tid);
        if (tid == self || it == before.end())
            continue;
        const ProcStats::ThreadSample delta = ProcStats::difference(it->second, sample);
        result.wakeups += delta.voluntarySwitches;
        result.cpuNs += delta.cpuNs;
        result.perThread.emplace(tid, delta);
    }
    return result;
}

} // namespace havel::bench
