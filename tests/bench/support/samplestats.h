// SampleStats: order statistics of a set of measurements (lateness, here).
#pragma once

#include <cstdint>
#include <vector>

namespace havel::bench {

//! Percentiles over a copy of the samples. Thread: any; one per set of samples.
class SampleStats
{
public:
    explicit SampleStats(std::vector<std::int64_t> samples);

    bool empty() const { return m_sorted.empty(); }
    std::size_t count() const { return m_sorted.size(); }
    std::int64_t min() const;
    std::int64_t max() const;
    //! The nearest-rank percentile, @p p in [0, 100]: the smallest sample with at least p% of
    //! the samples at or below it. Nearest rank never interpolates, so p99 of 1000 samples is
    //! the 990th smallest, a value that really was measured.
    std::int64_t percentile(double p) const;
    //! How many samples are below @p bound.
    std::size_t countBelow(std::int64_t bound) const;

private:
    std::vector<std::int64_t> m_sorted;
};

} // namespace havel::bench
