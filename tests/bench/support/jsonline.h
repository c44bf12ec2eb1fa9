// JsonLine: one benchmark result, printed as one line of JSON on stdout.
//
// Every benchmark program (the timer core's, the old-design baseline's) reports through this
// class, and the Node.js peer prints the same keys, so that run-benchmarks.js can put results
// from different implementations side by side without knowing which program produced them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace havel::bench {

//! Builds one flat JSON object and prints it as a single line. Thread: any, one per result.
class JsonLine
{
public:
    //! Starts a result of implementation @p impl ("havel", "old_havel") for @p workload.
    JsonLine(std::string_view impl, std::string_view workload);

    JsonLine &add(std::string_view key, std::string_view value);
    JsonLine &add(std::string_view key, const char *value) { return add(key, std::string_view(value)); }
    JsonLine &add(std::string_view key, double value);
    JsonLine &add(std::string_view key, std::int64_t value);
    JsonLine &add(std::string_view key, int value) { return add(key, std::int64_t(value)); }
    JsonLine &add(std::string_view key, std::size_t value) { return add(key, std::int64_t(value)); }
    JsonLine &add(std::string_view key, bool value);

    //! Writes the line to stdout and flushes, so that a harness reading a pipe sees it at once.
    void print();

private:
    void key(std::string_view key);

    std::string m_text;
};

} // namespace havel::bench
