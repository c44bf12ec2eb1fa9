#include "corebench.h"

#include "procstats.h"

#include <timermanager.h>

#include <QtCore/QEventLoop>

#include <algorithm>
#include <ctime>
#include <functional>
#include <future>
#include <thread>

namespace havel::bench {

using namespace std::chrono_literals;

std::int64_t CoreBench::drainTimerThread(TimerManager &manager)
{
    std::promise<std::int64_t> drained;
    std::future<std::int64_t> result = drained.get_future();
    QMetaObject::invokeMethod(
            &manager, [&drained] { drained.set_value(nowNs()); }, Qt::QueuedConnection);
    return result.get();
}

int CoreBench::timerThreadId(TimerManager &manager)
{
    int tid = 0;
    QMetaObject::invokeMethod(
            &manager, [&tid] { tid = ProcStats::currentThreadId(); },
            Qt::BlockingQueuedConnection);
    return tid;
}

void CoreBench::createCancel(std::uint32_t n, IndexOrder::Kind order)
{
    TimerManager manager;
    const int timerTid = timerThreadId(manager);
    const std::vector<std::uint32_t> cancelOrder = IndexOrder::indexes(order, n);
    std::vector<TimerId> ids(n);
    const ProcStats::ThreadSample timerBefore = ProcStats::thread(timerTid);

    CreateCancelTimes times;
    times.startNs = nowNs();
    for (std::uint32_t i = 0; i < n; ++i)
        ids[i] = manager.setTimeout(&m_context, kLongDelay, [] { });
    times.createdNs = nowNs();
    std::uint32_t cancelled = 0;
    for (const std::uint32_t index : cancelOrder)
        cancelled += manager.stopTimer(ids[index]) ? 1 : 0;
    times.callsDoneNs = nowNs();
    times.drainedNs = drainTimerThread(manager);
    const ProcStats::ThreadSample timer =
            ProcStats::difference(timerBefore, ProcStats::thread(timerTid));

    createCancelResult(order, n, times)
            .add("timer_thread_cpu_ms", double(timer.cpuNs) / 1e6)
            .add("timer_thread_wakeups", timer.voluntarySwitches)
            .add("ok", cancelled == n && manager.activeTimerCount() == 0)
            .print();
}

void CoreBench::fire(std::uint32_t n, std::chrono::milliseconds delay)
{
    TimerManager manager;
    const int timerTid = timerThreadId(manager);
    const int contextTid = ProcStats::currentThreadId();
    const ProcStats::ThreadSample timerBefore = ProcStats::thread(timerTid);
    const ProcStats::ThreadSample contextBefore = ProcStats::thread(contextTid);
    QEventLoop loop;
    std::uint32_t fired = 0;
    FireTimes times;
    const auto callback = [&] {
        if (fired == 0)
            times.firstNs = nowNs();
        if (++fired == n) {
            times.lastNs = nowNs();
            loop.quit();
        }
    };

    times.startNs = nowNs();
    for (std::uint32_t i = 0; i < n; ++i)
        manager.setTimeout(&m_context, delay, callback);
    times.createdNs = nowNs();
    // Callbacks run on this thread, so none can have run before the loop starts.
    loop.exec();
    const ProcStats::ThreadSample timer =
            ProcStats::difference(timerBefore, ProcStats::thread(timerTid));
    const ProcStats::ThreadSample context =
            ProcStats::difference(contextBefore, ProcStats::thread(contextTid));

    // How often each side had to wake the other: one wake-up per batch is the design.
    fireResult(delay, n, times)
            .add("timer_thread_cpu_ms", double(timer.cpuNs) / 1e6)
            .add("timer_thread_wakeups", timer.voluntarySwitches)
            .add("context_thread_wakeups", context.voluntarySwitches)
            .add("ok", fired == n)
            .print();
}

void CoreBench::startMeasuredTimeouts(TimerManager &manager, std::uint32_t count,
                                      LatenessSamples &samples, std::function<void()> done)
{
    auto fired = std::make_shared<std::uint32_t>(0);
    for (const std::uint32_t i : IndexOrder::indexes(IndexOrder::Random, count)) {
        const std::int64_t delayNs = std::chrono::nanoseconds(latenessDelay(i, count)).count();
        samples.callDueNs[i] = nowNs() + delayNs;
        const TimerId id = manager.setTimeout(&m_context, latenessDelay(i, count),
                                              [&samples, fired, done, count, i] {
            samples.ranNs[i] = nowNs();
            if (++*fired == count)
                done();
        });
        // The core's own deadline, taken during the call. The callbacks cannot change it:
        // a timeout's status is gone once it ran, and then the call's own reading is used.
        const auto status = manager.timerStatus(id);
        samples.ownDueNs[i] = status ? std::chrono::duration_cast<std::chrono::nanoseconds>(
                                               status->nextDue.time_since_epoch())
                                               .count()
                                     : samples.callDueNs[i];
    }
}

CoreBench::LatenessSamples CoreBench::runMeasuredTimeouts(TimerManager &manager,
                                                          std::uint32_t count, bool *finished)
{
    QEventLoop loop;
    LatenessSamples samples(count);
    *finished = false;
    // Callbacks run on this thread, so none can run before the loop starts.
    startMeasuredTimeouts(manager, count, samples, [&loop, finished] {
        *finished = true;
        loop.quit();
    });
    loop.exec();
    return samples;
}

void CoreBench::lateness(std::uint32_t count, std::uint32_t k)
{
    TimerManager manager;
    for (std::uint32_t i = 0; i < k; ++i)
        manager.setTimeout(&m_context, kLongDelay, [this] { ++m_sink; });
    // The measured timers start once the timer thread has the K others in its queue.
    drainTimerThread(manager);

    bool finished = false;
    const LatenessSamples samples = runMeasuredTimeouts(manager, count, &finished);
    latenessResult(k, samples)
            .add("ok", finished && manager.activeTimerCount() == qsizetype(k))
            .print();
}

void CoreBench::latenessCold(std::uint32_t count, std::uint32_t k)
{
    TimerManager manager;
    QEventLoop loop;
    LatenessSamples samples(count);
    bool finished = false;
    // Everything is made on another thread, at once, while this thread already runs its
    // loop: the measured fires meet the handover of the k callbacks (and their own).
    std::thread creator;
    QMetaObject::invokeMethod(&loop, [&] {
        creator = std::thread([&] {
            for (std::uint32_t i = 0; i < k; ++i)
                manager.setTimeout(&m_context, kLongDelay, [this] { ++m_sink; });
            startMeasuredTimeouts(manager, count, samples, [&] {
                finished = true;
                loop.quit();
            });
        });
    }, Qt::QueuedConnection);
    loop.exec();
    creator.join();

    latenessResult(k, samples, "lateness_cold")
            .add("ok", finished && manager.activeTimerCount() == qsizetype(k))
            .print();
}

void CoreBench::million(std::uint32_t n, std::uint32_t count)
{
    TimerManager manager;
    std::vector<TimerId> ids(n);
    const std::int64_t startNs = nowNs();
    for (std::uint32_t i = 0; i < n; ++i)
        ids[i] = manager.setTimeout(&m_context, kLongDelay, [this] { ++m_sink; });
    const std::int64_t createdNs = drainTimerThread(manager);
    bool finished = false;
    const LatenessSamples samples = runMeasuredTimeouts(manager, count, &finished);

    std::uint32_t cancelled = 0;
    const std::vector<std::uint32_t> cancelOrder = IndexOrder::indexes(IndexOrder::Random, n);
    const std::int64_t cancelStartNs = nowNs();
    for (const std::uint32_t index : cancelOrder)
        cancelled += manager.stopTimer(ids[index]) ? 1 : 0;
    const std::int64_t cancelledNs = drainTimerThread(manager);

    latenessResult(n, samples, "million")
            .add("create_ms", double(createdNs - startNs) / 1e6)
            .add("cancel_ms", double(cancelledNs - cancelStartNs) / 1e6)
            .add("ok", finished && cancelled == n && manager.activeTimerCount() == 0)
            .print();
}

void CoreBench::memory(std::uint32_t n)
{
    TimerManager manager;
    drainTimerThread(manager);
    const std::int64_t beforeBytes = ProcStats::residentBytes();
    // Each timer gets its own closure with some captured state, as a script's would.
    for (std::uint32_t i = 0; i < n; ++i)
        manager.setTimeout(&m_context, kLongDelay, [sink = &m_sink, i] { *sink += i; });
    drainTimerThread(manager);
    const std::int64_t afterBytes = ProcStats::residentBytes();

    memoryResult(n, beforeBytes, afterBytes)
            .add("ok", manager.activeTimerCount() == qsizetype(n))
            .print();
}

void CoreBench::idle(std::uint32_t n, std::chrono::milliseconds window)
{
    TimerManager manager;
    const int timerTid = timerThreadId(manager);
    const int contextTid = ProcStats::currentThreadId();
    for (std::uint32_t i = 0; i < n; ++i)
        manager.setInterval(&m_context, kLongDelay, [this] { ++m_sink; });
    drainTimerThread(manager);

    // This thread sits in its event loop meanwhile, as an idle interpreter would; the sampler
    // is a thread of its own that only sleeps.
    QEventLoop loop;
    IdleWindow::Result result;
    std::thread sampler([&] {
        result = IdleWindow::measure(200ms, window);
        QMetaObject::invokeMethod(&loop, &QEventLoop::quit, Qt::QueuedConnection);
    });
    loop.exec();
    sampler.join();

    idleResult(n, result)
            .add("timer_thread_wakeups", result.perThread[timerTid].voluntarySwitches)
            .add("context_thread_wakeups", result.perThread[contextTid].voluntarySwitches)
            .add("ok", manager.activeTimerCount() == qsizetype(n))
            .print();
}

std::int64_t CoreBench::threadCpuNs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

void CoreBench::handover(std::uint32_t n)
{
    TimerManager manager;
    // Made on another thread: their callbacks wait in this context's mailbox until this thread
    // takes them over, at the first delivery, which the last, 0 ms, timeout brings.
    std::int64_t madeNs = 0;
    std::thread creator([&] {
        for (std::uint32_t i = 0; i < n; ++i)
            manager.setTimeout(&m_context, kLongDelay, [this] { ++m_sink; });
        manager.setTimeout(&m_context, 0ms, [this] { ++m_sink; });
        madeNs = nowNs();
    });
    creator.join();
    drainTimerThread(manager); // the 0 ms timeout is due and dispatched to this thread

    // A probe that re-posts itself to this thread and records the longest gap between two of
    // its runs: that is the longest any other event (a delivery) held this thread. On a shared
    // machine a gap also holds the time the thread waited for a CPU, so the gap in this
    // thread's own CPU time is reported too: the work one event did. It runs until the 0 ms
    // callback has run (the sink counts it) and 200 ms longer, by then every handover is done.
    QEventLoop loop;
    QObject probe;
    std::int64_t lastNs = nowNs();
    std::int64_t lastCpuNs = threadCpuNs();
    std::int64_t maxGapNs = 0;
    std::int64_t maxCpuGapNs = 0;
    std::int64_t ranNs = 0;
    const std::uint64_t sinkBefore = m_sink;
    std::function<void()> tick = [&] {
        const std::int64_t now = nowNs();
        const std::int64_t cpu = threadCpuNs();
        maxGapNs = std::max(maxGapNs, now - lastNs);
        maxCpuGapNs = std::max(maxCpuGapNs, cpu - lastCpuNs);
        lastNs = now;
        lastCpuNs = cpu;
        if (m_sink != sinkBefore && ranNs == 0)
            ranNs = now;
        if (ranNs != 0 && now - ranNs > 200'000'000) // 200 ms after: every handover is done
            loop.quit();
        else
            QMetaObject::invokeMethod(&probe, tick, Qt::QueuedConnection);
    };
    QMetaObject::invokeMethod(&probe, tick, Qt::QueuedConnection);
    loop.exec();

    JsonLine(implName(), "handover")
            .add("n", std::size_t(n))
            .add("max_event_us", double(maxGapNs) / 1e3)
            .add("max_event_cpu_us", double(maxCpuGapNs) / 1e3)
            .add("first_callback_after_ms", double(ranNs - madeNs) / 1e6)
            .add("ok", ranNs != 0 && manager.activeTimerCount() == qsizetype(n))
            .print();
}

} // namespace havel::bench
