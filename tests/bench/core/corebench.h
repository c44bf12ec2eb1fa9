// CoreBench: the workloads of issue 5, run against havel::TimerManager.
//
// The calling thread plays the Havel interpreter thread: it is the "script thread" that makes
// the calls and also the context thread on which callbacks run, with a Qt event loop (the
// application's). The timer thread is the manager's own. Every workload builds a fresh
// manager, so that one workload's leftovers never slow the next.
//
// How the timer thread's progress is observed: the manager is a QObject that lives on its
// timer thread, and every call wakes that thread with a queued event. A functor queued to the
// manager after the last call therefore runs after the timer thread has handled every request
// made before it (posted events to one receiver thread run in order). Its timestamp is the
// moment the timer thread had processed everything; it needs no hook into the core.
#pragma once

#include "benchworkloads.h"

#include <QtCore/QObject>

#include <functional>

namespace havel {
class TimerManager;
}

namespace havel::bench {

//! Thread: construct and run on the application's main thread, whose event loop runs the
//! callbacks. Prints one JsonLine per result.
class CoreBench : public BenchWorkloads
{
public:
    void createCancel(std::uint32_t n, IndexOrder::Kind order) override;
    void fire(std::uint32_t n, std::chrono::milliseconds delay) override;
    void lateness(std::uint32_t count, std::uint32_t k) override;
    void memory(std::uint32_t n) override;
    void idle(std::uint32_t n, std::chrono::milliseconds window) override;
    void handover(std::uint32_t n) override;
    void latenessCold(std::uint32_t count, std::uint32_t k) override;
    void million(std::uint32_t n, std::uint32_t count) override;

protected:
    std::string_view implName() const override { return "havel"; }

private:
    //! Blocks until the timer thread has handled every request made so far; returns the
    //! steady-clock time (ns) at which it had.
    static std::int64_t drainTimerThread(TimerManager &manager);
    //! CPU time of the calling thread, in nanoseconds.
    static std::int64_t threadCpuNs();
    //! The kernel thread id of the manager's timer thread.
    static int timerThreadId(TimerManager &manager);
    //! Makes @p count timeouts spread over 10-500 ms, in a shuffled order, on the calling
    //! thread, for the context on the main thread; fills @p samples as they run. @p done is
    //! called on the main thread after the last one.
    void startMeasuredTimeouts(TimerManager &manager, std::uint32_t count,
                               LatenessSamples &samples, std::function<void()> done);
    //! The same, then runs this thread's loop until the last has run (sets @p finished).
    LatenessSamples runMeasuredTimeouts(TimerManager &manager, std::uint32_t count,
                                        bool *finished);

    QObject m_context;        // the callbacks' context: lives on this (the main) thread
    std::uint64_t m_sink = 0; // written by callbacks, so that the compiler keeps them
};

} // namespace havel::bench
