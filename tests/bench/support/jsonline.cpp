#include "jsonline.h"

#include <cmath>
#include <cstdio>

namespace havel::bench {

namespace {

void appendEscaped(std::string &out, std::string_view text)
{
    out += '"';
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char buffer[8];
            std::snprintf(buffer, sizeof buffer, "\\u%04x", unsigned(c));
            out += buffer;
        } else {
            out += c;
        }
    }
    out += '"';
}

} // namespace

JsonLine::JsonLine(std::string_view impl, std::string_view workload) : m_text(1, '{')
{
    add("impl", impl);
    add("workload", workload);
}

void JsonLine::key(std::string_view key)
{
    if (m_text.size() > 1)
        m_text += ',';
    appendEscaped(m_text, key);
    m_text += ':';
}

JsonLine &JsonLine::add(std::string_view name, std::string_view value)
{
    key(name);
    appendEscaped(m_text, value);
    return *this;
}

JsonLine &JsonLine::add(std::string_view name, double value)
{
    key(name);
    // JSON has no NaN or infinity; a workload that could not measure a value says null.
    if (!std::isfinite(value)) {
        m_text += "null";
        return *this;
    }
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", value);
    m_text += buffer;
    return *this;
}

JsonLine &JsonLine::add(std::string_view name, std::int64_t value)
{
    key(name);
    m_text += std::to_string(value);
    return *this;
}

JsonLine &JsonLine::add(std::string_view name, bool value)
{
    key(name);
    m_text += value ? "true" : "false";
    return *this;
}

void JsonLine::print()
{
    std::fputs((m_text + "}\n").c_str(), stdout);
    std::fflush(stdout);
}

} // namespace havel::bench
