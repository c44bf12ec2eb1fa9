#include "samplestats.h"

#include <algorithm>
#include <cmath>

namespace havel::bench {

SampleStats::SampleStats(std::vector<std::int64_t> samples) : m_sorted(std::move(samples))
{
    std::sort(m_sorted.begin(), m_sorted.end());
}

std::int64_t SampleStats::min() const
{
    return m_sorted.empty() ? 0 : m_sorted.front();
}

std::int64_t SampleStats::max() const
{
    return m_sorted.empty() ? 0 : m_sorted.back();
}

std::int64_t SampleStats::percentile(double p) const
{
    if (m_sorted.empty())
        return 0;
    const double rank = std::ceil(p / 100.0 * double(m_sorted.size()));
    const std::size_t index = std::size_t(std::clamp(rank, 1.0, double(m_sorted.size()))) - 1;
    return m_sorted[index];
}

std::size_t SampleStats::countBelow(std::int64_t bound) const
{
    return std::size_t(std::lower_bound(m_sorted.begin(), m_sorted.end(), bound)
                       - m_sorted.begin());
}

} // namespace havel::bench
