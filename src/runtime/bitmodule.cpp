// The `bit` module (Havel's docs/stdlib/bit.md): bit operations on 64-bit integers. The
// operators & | ^ ~ << >> do the common ones; this adds the rest. Bit positions count from
// 0 (the least significant bit) and must lie in 0..63.
#include "moduleutil.h"

#include <bit>

namespace havel::script::modules {

namespace {

qint64 position(const std::vector<Value> &args, std::size_t i, const QString &function, int line)
{
    const qint64 n = intArg(args, i, function, line);
    if (n < 0 || n > 63)
        fail(line, QStringLiteral("%1: bit position %2 is outside 0..63").arg(function).arg(n));
    return n;
}

//! A mask of @p width ones starting at bit @p offset.
quint64 fieldMask(qint64 offset, qint64 width)
{
    const quint64 ones = width >= 64 ? ~quint64(0) : (quint64(1) << width) - 1;
    return ones << offset;
}

} // namespace

void installBit(Vm &vm)
{
    ModuleBuilder bit(vm, QStringLiteral("bit"));
    using Builtins::expectArgs;
    using Binary = qint64 (*)(qint64, qint64);
    const std::pair<const char *, Binary> binary[] = {
        {"band", [](qint64 a, qint64 b) { return a & b; }}, {"and", [](qint64 a, qint64 b) { return a & b; }},
        {"bor", [](qint64 a, qint64 b) { return a | b; }},  {"or", [](qint64 a, qint64 b) { return a | b; }},
        {"bxor", [](qint64 a, qint64 b) { return a ^ b; }}, {"xor", [](qint64 a, qint64 b) { return a ^ b; }},
    };
    for (const auto &entry : binary) {
        const auto &name = entry.first; // named variables: clang 14 cannot capture
        const auto &fn = entry.second; // structured bindings in a lambda
        const QString full = QStringLiteral("bit.") + QLatin1String(name);
        bit.function(QLatin1String(name), [full, fn](Vm &, std::vector<Value> &args, int line) {
            expectArgs(args, 2, 2, full, line);
            return Value(fn(intArg(args, 0, full, line), intArg(args, 1, full, line)));
        });
    }
    for (const char *name : {"not", "bnot"}) {
        const QString full = QStringLiteral("bit.") + QLatin1String(name);
        bit.function(QLatin1String(name), [full](Vm &, std::vector<Value> &args, int line) {
            expectArgs(args, 1, 1, full, line);
            return Value(~intArg(args, 0, full, line));
        });
    }
    // Shifts: lshift and rshift are logical (rshift fills with zeros), arshift keeps the sign.
    const std::pair<const char *, int> shifts[] = {{"lshift", 0}, {"shl", 0}, {"rshift", 1},
                                                   {"shr", 1}, {"arshift", 2}, {"sar", 2}};
    for (const auto &entry : shifts) {
        const auto &name = entry.first; // named variables: clang 14 cannot capture
        const auto &kind = entry.second; // structured bindings in a lambda
        const QString full = QStringLiteral("bit.") + QLatin1String(name);
        bit.function(QLatin1String(name), [full, kind](Vm &, std::vector<Value> &args, int line) {
            expectArgs(args, 2, 2, full, line);
            const qint64 a = intArg(args, 0, full, line);
            const qint64 n = intArg(args, 1, full, line);
            if (n < 0)
                fail(line, QStringLiteral("%1: negative shift count").arg(full));
            if (n >= 64)
                return Value(qint64(kind == 2 && a < 0 ? -1 : 0));
            if (kind == 0)
                return Value(qint64(quint64(a) << n));
            if (kind == 1)
                return Value(qint64(quint64(a) >> n));
            return Value(a >> n);
        });
    }
    bit.function(QStringLiteral("rol"), [](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 2, 2, QStringLiteral("bit.rol"), line);
        return Value(qint64(std::rotl(quint64(intArg(args, 0, QStringLiteral("bit.rol"), line)),
                                      int(intArg(args, 1, QStringLiteral("bit.rol"), line) % 64))));
    });
    bit.function(QStringLiteral("ror"), [](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 2, 2, QStringLiteral("bit.ror"), line);
        return Value(qint64(std::rotr(quint64(intArg(args, 0, QStringLiteral("bit.ror"), line)),
                                      int(intArg(args, 1, QStringLiteral("bit.ror"), line) % 64))));
    });
    bit.function(QStringLiteral("test"), [](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 2, 2, QStringLiteral("bit.test"), line);
        const qint64 a = intArg(args, 0, QStringLiteral("bit.test"), line);
        return Value(((quint64(a) >> position(args, 1, QStringLiteral("bit.test"), line)) & 1) != 0);
    });
    const std::pair<const char *, int> single[] = {{"set", 0}, {"clear", 1}, {"toggle", 2}};
    for (const auto &entry : single) {
        const auto &name = entry.first; // named variables: clang 14 cannot capture
        const auto &kind = entry.second; // structured bindings in a lambda
        const QString full = QStringLiteral("bit.") + QLatin1String(name);
        bit.function(QLatin1String(name), [full, kind](Vm &, std::vector<Value> &args, int line) {
            expectArgs(args, 2, 2, full, line);
            const quint64 a = quint64(intArg(args, 0, full, line));
            const quint64 mask = quint64(1) << position(args, 1, full, line);
            return Value(qint64(kind == 0 ? a | mask : kind == 1 ? a & ~mask : a ^ mask));
        });
    }
    bit.function(QStringLiteral("count"), [](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("bit.count"), line);
        return Value(qint64(std::popcount(quint64(intArg(args, 0, QStringLiteral("bit.count"), line)))));
    });
    bit.function(QStringLiteral("parity"), [](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("bit.parity"), line);
        return Value(qint64(std::popcount(quint64(intArg(args, 0, QStringLiteral("bit.parity"), line))) & 1));
    });
    // lsb / msb: the position of the lowest / highest set bit; -1 for 0.
    bit.function(QStringLiteral("lsb"), [](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("bit.lsb"), line);
        const quint64 a = quint64(intArg(args, 0, QStringLiteral("bit.lsb"), line));
        return Value(qint64(a == 0 ? -1 : std::countr_zero(a)));
    });
    bit.function(QStringLiteral("msb"), [](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("bit.msb"), line);
        const quint64 a = quint64(intArg(args, 0, QStringLiteral("bit.msb"), line));
        return Value(qint64(a == 0 ? -1 : 63 - std::countl_zero(a)));
    });
    // getfield(x, offset, width) / setfield(x, offset, width, value).
    bit.function(QStringLiteral("getfield"), [](Vm &, std::vector<Value> &args, int line) {
        const QString full = QStringLiteral("bit.getfield");
        expectArgs(args, 3, 3, full, line);
        const quint64 a = quint64(intArg(args, 0, full, line));
        const qint64 offset = position(args, 1, full, line);
        const qint64 width = intArg(args, 2, full, line);
        if (width < 1 || offset + width > 64)
            fail(line, QStringLiteral("%1: the field must lie within bits 0..63").arg(full));
        return Value(qint64((a & fieldMask(offset, width)) >> offset));
    });
    bit.function(QStringLiteral("setfield"), [](Vm &, std::vector<Value> &args, int line) {
        const QString full = QStringLiteral("bit.setfield");
        expectArgs(args, 4, 4, full, line);
        const quint64 a = quint64(intArg(args, 0, full, line));
        const qint64 offset = position(args, 1, full, line);
        const qint64 width = intArg(args, 2, full, line);
        const quint64 value = quint64(intArg(args, 3, full, line));
        if (width < 1 || offset + width > 64)
            fail(line, QStringLiteral("%1: the field must lie within bits 0..63").arg(full));
        const quint64 mask = fieldMask(offset, width);
        return Value(qint64((a & ~mask) | ((value << offset) & mask)));
    });
    bit.install();
}

} // namespace havel::script::modules
