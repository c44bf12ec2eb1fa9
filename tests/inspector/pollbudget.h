// How long one poll of 10,000 timers may take in the tests: within the 100 ms between polls in
// a normal build, and a loose bound under sanitizers, which slow every instrumented loop, lock
// and signal many times over (TSan: 1.7 s seen on 2 busy cores).
#pragma once

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#  define HAVEL_TEST_SANITIZED 1
#elif defined(__has_feature)
#  if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#    define HAVEL_TEST_SANITIZED 1
#  endif
#endif

#ifdef HAVEL_TEST_SANITIZED
inline constexpr long long kPollBudgetMs = 5000;
#else
inline constexpr long long kPollBudgetMs = 100;
#endif

#include <ctime>

//! Measures a poll against the budget in the calling thread's CPU time, not the wall clock:
//! the poll's own work. On a loaded machine the wall time also holds the time the thread waited
//! for a CPU, which is not the poll's (144 ms seen for this 100 ms budget beside two spinning
//! processes, load 19 on 2 cores). Same start()/restart()/elapsed() as QElapsedTimer.
class ThreadCpuClock
{
public:
    void start() { m_startNs = nowNs(); }
    void restart() { start(); }
    long long elapsed() const { return (nowNs() - m_startNs) / 1'000'000; }

private:
    static long long nowNs()
    {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return (long long)ts.tv_sec * 1'000'000'000 + ts.tv_nsec;
    }
    long long m_startNs = 0;
};
