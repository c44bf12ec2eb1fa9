// BenchWorkloads: the five workloads of issue 5, as an interface that each implementation
// under test (the timer core, the old-design baseline) fills in, so that both programs run
// exactly the same sequence from the same command line and report the same keys.
#pragma once

#include "benchoptions.h"
#include "idlewindow.h"
#include "indexorder.h"
#include "jsonline.h"

#include <chrono>
#include <cstdint>
#include <string_view>
#include <vector>

namespace havel::bench {

//! Thread: the main thread. Each workload prints its results as JsonLines.
class BenchWorkloads
{
public:
    virtual ~BenchWorkloads() = default;

    //! Runs the workloads @p options names, with its sizes, in the order given.
    void run(const BenchOptions &options);

    //! Workload 1: create @p n 60 s timeouts, then cancel them all in @p order.
    virtual void createCancel(std::uint32_t n, IndexOrder::Kind order) = 0;
    //! Workload 2: @p n timeouts with @p delay; callbacks per second up to the last callback.
    virtual void fire(std::uint32_t n, std::chrono::milliseconds delay) = 0;
    //! Workload 3: @p count timeouts spread over 10-500 ms while @p k 60 s timeouts are live.
    virtual void lateness(std::uint32_t count, std::uint32_t k) = 0;
    //! Workload 4: resident bytes per live 60 s timeout at @p n timers.
    virtual void memory(std::uint32_t n) = 0;
    //! Workload 5: wake-ups and CPU time per second over @p window with @p n idle 60 s intervals.
    virtual void idle(std::uint32_t n, std::chrono::milliseconds window) = 0;
    //! Workload 6 (issue 9, the timer core only): @p n 60 s timeouts and one 0 ms timeout made
    //! on another thread reach the context thread; the longest single event it then runs.
    //! Implementations without that handover print nothing.
    virtual void handover(std::uint32_t) { }
    //! Workload 7 (issue 12): lateness of @p count timeouts spread over 10-500 ms, made on
    //! another thread right after @p k 60 s timeouts made there too: the first, cold fires,
    //! while the context thread takes over all their callbacks. Node.js, with one thread,
    //! makes both in one go on its own. The old design prints nothing.
    virtual void latenessCold(std::uint32_t, std::uint32_t) { }
    //! Workload 8 (issue 12): @p n live 60 s timeouts: how long they take to make (until
    //! the timer thread has them all), the lateness of @p count timeouts spread over 10-500 ms
    //! among them, and how long cancelling all @p n in random order takes.
    virtual void million(std::uint32_t, std::uint32_t) { }

protected:
    static constexpr std::chrono::seconds kLongDelay{60};

    //! Steady-clock time in nanoseconds: every timestamp of the workloads.
    static std::int64_t nowNs();
    //! The delay of measured timeout @p i of @p count in the lateness workload: 10..500 ms,
    //! evenly spread.
    static std::chrono::milliseconds latenessDelay(std::uint32_t i, std::uint32_t count);

    //! The "impl" key of every result.
    virtual std::string_view implName() const = 0;

    //! Timestamps of one create+cancel run.
    struct CreateCancelTimes
    {
        std::int64_t startNs = 0;     //!< before the first create call
        std::int64_t createdNs = 0;   //!< after the last create call
        std::int64_t callsDoneNs = 0; //!< after the last cancel call
        std::int64_t drainedNs = 0;   //!< when every call had taken effect
    };
    //! Timestamps of one fire run.
    struct FireTimes
    {
        std::int64_t startNs = 0;   //!< before the first call
        std::int64_t createdNs = 0; //!< after the last call
        std::int64_t firstNs = 0;   //!< when the first callback ran
        std::int64_t lastNs = 0;    //!< when the last callback ran
    };
    //! For measured timeout i: the deadline as seen when the call began, the deadline the
    //! implementation itself took during the call, and when the callback ran.
    struct LatenessSamples
    {
        explicit LatenessSamples(std::uint32_t count)
            : callDueNs(count), ownDueNs(count), ranNs(count) { }
        std::vector<std::int64_t> callDueNs;
        //! Where the implementation's own deadline cannot be read, the latest it can be:
        //! when the call returned, plus the delay.
        std::vector<std::int64_t> ownDueNs;
        std::vector<std::int64_t> ranNs;
    };

    // The results, still open for implementation-specific keys and "ok".
    JsonLine createCancelResult(IndexOrder::Kind order, std::uint32_t n,
                                const CreateCancelTimes &times) const;
    JsonLine fireResult(std::chrono::milliseconds delay, std::uint32_t n,
                        const FireTimes &times) const;
    JsonLine latenessResult(std::uint32_t k, const LatenessSamples &samples,
                            const char *workload = "lateness") const;
    JsonLine memoryResult(std::uint32_t n, std::int64_t beforeBytes,
                          std::int64_t afterBytes) const;
    JsonLine idleResult(std::uint32_t n, const IdleWindow::Result &window) const;
};

} // namespace havel::bench
