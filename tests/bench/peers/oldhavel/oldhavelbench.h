// OldHavelBench: issue 5's workloads against OldHavelTimers, the old Havel design.
//
// The old design ran callbacks on each timer's own thread, so "delivered" here means run on
// that thread; there was no context thread. A cancel has taken effect once the timer's thread
// has seen its flag and exited, which is what "processed" measures.
#pragma once

#include "benchworkloads.h"

namespace havel::bench {

//! Thread: the main thread.
class OldHavelBench : public BenchWorkloads
{
public:
    void createCancel(std::uint32_t n, IndexOrder::Kind order) override;
    void fire(std::uint32_t n, std::chrono::milliseconds delay) override;
    void lateness(std::uint32_t count, std::uint32_t k) override;
    void memory(std::uint32_t n) override;
    void idle(std::uint32_t n, std::chrono::milliseconds window) override;

protected:
    std::string_view implName() const override { return "old_havel"; }
};

} // namespace havel::bench
