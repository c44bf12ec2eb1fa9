// OldHavelTimers: the timer design Havel had before the timer core, rebuilt as the baseline
// the benchmarks compare against. It is deliberately the old design, not a good one:
//
//  * every timer is a detached std::thread;
//  * the thread sleeps in steps of 10 ms and polls an atomic "running" flag between steps;
//    it fires once the time it measured from its own start has passed the delay;
//  * the callback runs on that timer thread (there was no context thread to deliver to);
//  * every live timer's flag sits in one global unordered_map behind a std::shared_mutex,
//    which clear/stop look up, and which a finished timeout leaves by itself.
//
// The one addition is a count of timer threads still running, which the benchmark needs to see
// when a cancel has really taken effect and to end the process without the cleanup races the
// old design had. It is not on the path of any timer operation beyond one atomic increment.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace havel::bench {

//! Thread: every function may be called from any thread; callbacks run on their timer's own
//! detached thread. The state is global, as it was in the old design.
class OldHavelTimers
{
public:
    using TimerId = std::uint64_t;
    using Callback = std::function<void()>;

    //! Starts a thread that runs @p callback once after @p delay. Returns its id.
    static TimerId setTimeout(std::chrono::milliseconds delay, Callback callback);
    //! Starts a thread that runs @p callback every @p interval. Returns its id.
    static TimerId setInterval(std::chrono::milliseconds interval, Callback callback);
    //! Clears the running flag of timer @p id. True if it was live.
    static bool stopTimer(TimerId id);
    //! Stops every timer; returns how many.
    static std::size_t cleanupAllTimers();
    //! How many timers are in the registry.
    static std::size_t activeTimerCount();

    //! Benchmark instrumentation: how many timer threads have not exited yet.
    static std::size_t runningThreads();
    //! Benchmark instrumentation: blocks until at most @p count timer threads are running.
    static void waitForRunningThreads(std::size_t count);

private:
    static TimerId start(std::chrono::milliseconds delay, Callback callback, bool repeat);
};

} // namespace havel::bench
