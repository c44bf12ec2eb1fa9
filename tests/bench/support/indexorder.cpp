#include "indexorder.h"

#include <algorithm>
#include <numeric>
#include <utility>

namespace havel::bench {

namespace {

// mulberry32: tiny, and exactly reproducible in JavaScript with 32-bit integer arithmetic.
class Mulberry32
{
public:
    explicit Mulberry32(std::uint32_t seed) : m_state(seed) { }

    std::uint32_t next()
    {
        m_state += 0x6D2B79F5u;
        std::uint32_t t = m_state;
        t = (t ^ (t >> 15)) * (t | 1u);
        t ^= t + (t ^ (t >> 7)) * (t | 61u);
        return t ^ (t >> 14);
    }

private:
    std::uint32_t m_state;
};

constexpr std::uint32_t kSeed = 20261127;

} // namespace

bool IndexOrder::parse(std::string_view text, Kind *kind)
{
    for (const Kind candidate : {Creation, Reverse, Random}) {
        if (text == name(candidate)) {
            *kind = candidate;
            return true;
        }
    }
    return false;
}

std::string_view IndexOrder::name(Kind kind)
{
    switch (kind) {
    case Creation:
        return "creation";
    case Reverse:
        return "reverse";
    case Random:
        return "random";
    }
    return "creation";
}

std::vector<std::uint32_t> IndexOrder::indexes(Kind kind, std::uint32_t n)
{
    std::vector<std::uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0u);
    if (kind == Reverse) {
        std::reverse(order.begin(), order.end());
    } else if (kind == Random) {
        // Fisher-Yates from the top, j = next() % (i + 1): the JavaScript peer does the same.
        Mulberry32 random(kSeed);
        for (std::uint32_t i = n; i > 1; --i)
            std::swap(order[i - 1], order[random.next() % i]);
    }
    return order;
}

} // namespace havel::bench
