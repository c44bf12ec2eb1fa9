#include "oldhavelbench.h"

#include "oldhaveltimers.h"
#include "procstats.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace havel::bench {

namespace {

using namespace std::chrono_literals;

// Counts callbacks run on any thread and wakes the main thread when all have run.
class Countdown
{
public:
    explicit Countdown(std::uint32_t count) : m_left(count) { }

    void done()
    {
        std::lock_guard lock(m_lock);
        if (--m_left == 0)
            m_zero.notify_all();
    }
    void wait()
    {
        std::unique_lock lock(m_lock);
        m_zero.wait(lock, [this] { return m_left == 0; });
    }

private:
    std::mutex m_lock;
    std::condition_variable m_zero;
    std::uint32_t m_left; // guarded by m_lock
};

// Ends a workload: every timer thread gone, so that the next workload starts from nothing.
void stopEverything()
{
    OldHavelTimers::cleanupAllTimers();
    OldHavelTimers::waitForRunningThreads(0);
}

} // namespace

void OldHavelBench::createCancel(std::uint32_t n, IndexOrder::Kind order)
{
    const std::vector<std::uint32_t> cancelOrder = IndexOrder::indexes(order, n);
    std::vector<OldHavelTimers::TimerId> ids(n);

    CreateCancelTimes times;
    times.startNs = nowNs();
    for (std::uint32_t i = 0; i < n; ++i)
        ids[i] = OldHavelTimers::setTimeout(kLongDelay, [] { });
    times.createdNs = nowNs();
    std::uint32_t cancelled = 0;
    for (const std::uint32_t index : cancelOrder)
        cancelled += OldHavelTimers::stopTimer(ids[index]) ? 1 : 0;
    times.callsDoneNs = nowNs();
    OldHavelTimers::waitForRunningThreads(0);
    times.drainedNs = nowNs();

    createCancelResult(order, n, times)
            .add("ok", cancelled == n && OldHavelTimers::activeTimerCount() == 0)
            .print();
}

void OldHavelBench::fire(std::uint32_t n, std::chrono::milliseconds delay)
{
    Countdown countdown(n);
    std::atomic<std::int64_t> firstNs{0};
    std::atomic<std::int64_t> lastNs{0};
    FireTimes times;
    times.startNs = nowNs();
    for (std::uint32_t i = 0; i < n; ++i) {
        OldHavelTimers::setTimeout(delay, [&] {
            const std::int64_t ranNs = nowNs();
            std::int64_t none = 0;
            firstNs.compare_exchange_strong(none, ranNs);
            std::int64_t last = lastNs.load();
            while (ranNs > last && !lastNs.compare_exchange_weak(last, ranNs)) { }
            countdown.done();
        });
    }
    times.createdNs = nowNs();
    countdown.wait();
    stopEverything();
    times.firstNs = firstNs;
    times.lastNs = lastNs;

    fireResult(delay, n, times).add("ok", true).print();
}

void OldHavelBench::lateness(std::uint32_t count, std::uint32_t k)
{
    for (std::uint32_t i = 0; i < k; ++i)
        OldHavelTimers::setTimeout(kLongDelay, [] { });

    Countdown countdown(count);
    LatenessSamples samples(count);
    for (const std::uint32_t i : IndexOrder::indexes(IndexOrder::Random, count)) {
        const std::int64_t delayNs = std::chrono::nanoseconds(latenessDelay(i, count)).count();
        samples.callDueNs[i] = nowNs() + delayNs;
        OldHavelTimers::setTimeout(latenessDelay(i, count), [&, i] {
            samples.ranNs[i] = nowNs();
            countdown.done();
        });
        samples.ownDueNs[i] = nowNs() + delayNs;
    }
    countdown.wait();
    const bool ok = OldHavelTimers::activeTimerCount() == k;
    stopEverything();

    latenessResult(k, samples).add("ok", ok).print();
}

void OldHavelBench::memory(std::uint32_t n)
{
    std::uint64_t sink = 0;
    const std::int64_t beforeBytes = ProcStats::residentBytes();
    for (std::uint32_t i = 0; i < n; ++i)
        OldHavelTimers::setTimeout(kLongDelay, [sink = &sink, i] { *sink += i; });
    // Every thread has started and gone to sleep long before this.
    std::this_thread::sleep_for(200ms);
    const std::int64_t afterBytes = ProcStats::residentBytes();
    const bool ok = OldHavelTimers::activeTimerCount() == n;
    stopEverything();

    memoryResult(n, beforeBytes, afterBytes).add("ok", ok).print();
}

void OldHavelBench::idle(std::uint32_t n, std::chrono::milliseconds window)
{
    for (std::uint32_t i = 0; i < n; ++i)
        OldHavelTimers::setInterval(kLongDelay, [] { });
    // This thread is the sampler: it only sleeps, and IdleWindow leaves it out.
    const IdleWindow::Result result = IdleWindow::measure(200ms, window);
    const bool ok = OldHavelTimers::activeTimerCount() == n;
    stopEverything();

    idleResult(n, result).add("ok", ok).print();
}

} // namespace havel::bench
