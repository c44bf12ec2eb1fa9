// BenchOptions: the command line shared by the benchmark programs.
//
// run-benchmarks.js starts one process per workload and size, so that no workload inherits
// another's heap; "--workload all" runs every workload in one process, for the CTest smoke run.
#pragma once

#include "indexorder.h"

#include <QtCore/QStringList>

#include <chrono>
#include <cstdint>
#include <vector>

namespace havel::bench {

//! Thread: main thread; parse once at start-up.
struct BenchOptions
{
    QStringList workloads; //!< create_cancel, fire, lateness, memory, idle, handover
    std::uint32_t n = 100'000;                //!< timers for create_cancel, fire and memory
    std::vector<IndexOrder::Kind> orders{IndexOrder::Creation, IndexOrder::Reverse,
                                         IndexOrder::Random};
    std::vector<std::chrono::milliseconds> fireDelays{std::chrono::milliseconds(0),
                                                      std::chrono::milliseconds(1)};
    std::uint32_t latenessCount = 1000;       //!< measured timeouts in the lateness workload
    std::vector<std::uint32_t> latenessK{0, 10'000, 100'000};
    std::uint32_t idleN = 1000;
    std::chrono::milliseconds idleWindow{3000};

    //! Parses the arguments of the running QCoreApplication; exits with 64 on a usage error.
    //! @p description names the program in --help; @p defaults gives what is not on the
    //! command line.
    static BenchOptions parse(const QString &description, const BenchOptions &defaults);
    //! The workload names "--workload all" stands for, in the order they run.
    static QStringList allWorkloads();
};

} // namespace havel::bench
