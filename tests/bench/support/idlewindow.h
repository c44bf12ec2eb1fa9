// IdleWindow: what every other thread of the process costs while the caller sleeps.
//
// The idle workload asks how often an idle timer system wakes up. A wake-up ends with the
// thread blocking again, which the kernel counts as a voluntary context switch, so wake-ups
// are the voluntary switches of every thread over a window. The measuring thread itself only
// sleeps and is left out of the sums.
#pragma once

#include "procstats.h"

#include <chrono>
#include <map>

namespace havel::bench {

//! Thread: call on a thread of its own that does nothing else meanwhile.
class IdleWindow
{
public:
    struct Result
    {
        std::chrono::duration<double> window{0};
        std::int64_t wakeups = 0; //!< voluntary switches of every other thread
        std::int64_t cpuNs = 0;   //!< CPU time of every other thread
        std::map<int, ProcStats::ThreadSample> perThread; //!< thread id -> its change
    };

    //! Waits @p settle for the others to go idle, then measures them over @p window.
    static Result measure(std::chrono::milliseconds settle, std::chrono::milliseconds window);
};

} // namespace havel::bench
