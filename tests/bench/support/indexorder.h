// IndexOrder: orders of 0..n-1: the cancel orders of the create+cancel workload, and the
// shuffled creation order of the lateness workload.
//
// The random order comes from mulberry32 with a fixed seed, the same generator and seed as
// peers/node/timers-bench.js, so that every implementation uses the same permutation.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace havel::bench {

//! Thread: any; stateless.
class IndexOrder
{
public:
    enum Kind { Creation, Reverse, Random };

    //! Parses "creation", "reverse" or "random"; returns false for anything else.
    static bool parse(std::string_view name, Kind *kind);
    static std::string_view name(Kind kind);
    //! The indexes 0..n-1 in order @p kind.
    static std::vector<std::uint32_t> indexes(Kind kind, std::uint32_t n);
};

} // namespace havel::bench
