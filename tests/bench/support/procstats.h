// ProcStats: what the kernel says about this process, read from /proc/self.
//
// The benchmarks measure memory as the change of resident set size around a workload, and the
// cost of a thread as the CPU time and context switches the scheduler counted for it. Both come
// from /proc, so they include everything the code under test really costs (allocator slack,
// thread stacks touched, the event dispatcher), not just what it thinks it allocated.
#pragma once

#include <cstdint>
#include <map>

namespace havel::bench {

//! Reads /proc/self. Thread: any; every function is a stateless read.
class ProcStats
{
public:
    //! The scheduler's counters for one thread.
    struct ThreadSample
    {
        std::int64_t cpuNs = 0;               //!< time on a CPU (schedstat, first field)
        std::int64_t voluntarySwitches = 0;   //!< the thread blocked: each one ends a wake-up
        std::int64_t involuntarySwitches = 0; //!< the thread was preempted
        bool valid = false;
    };

    //! The resident set size of the process in bytes (from /proc/self/statm).
    static std::int64_t residentBytes();
    //! The kernel id of the calling thread.
    static int currentThreadId();
    //! The counters of thread @p tid of this process.
    static ThreadSample thread(int tid);
    //! The counters of every thread of this process, keyed by thread id.
    static std::map<int, ThreadSample> threads();
    //! @p after minus @p before, field by field.
    static ThreadSample difference(const ThreadSample &before, const ThreadSample &after);
};

} // namespace havel::bench
