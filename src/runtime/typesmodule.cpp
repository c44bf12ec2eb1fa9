// Havel's type predicates (isNumber, isString, ...) and conversions (toNumber, parseInt,
// isNaN, ...), as globals.
#include "moduleutil.h"

#include <limits>

namespace havel::script::modules {

namespace {

using Builtins::expectArgs;

//! A number from text as a script author means it: "42" -> 42, "2.5" -> 2.5, "0x1F" -> 31;
//! null if the text is not a number.
Value parseNumber(const QString &raw)
{
    const QString text = raw.trimmed();
    bool ok = false;
    const qint64 i = text.startsWith(QLatin1String("0x")) || text.startsWith(QLatin1String("0X"))
            ? text.mid(2).toLongLong(&ok, 16) : text.toLongLong(&ok, 10);
    if (ok)
        return Value(i);
    const double d = text.toDouble(&ok);
    if (ok)
        return Value(d);
    return Value();
}

} // namespace

void installTypes(Vm &vm)
{
    auto define = [&vm](const QString &name, NativeFunction::Function function) {
        vm.defineGlobal(name, Value(native(name, std::move(function))));
    };
    using Predicate = bool (*)(const Value &);
    const std::pair<const char *, Predicate> predicates[] = {
        {"isNumber", [](const Value &v) { return v.isNumber(); }},
        {"isInt", [](const Value &v) { return v.isInt(); }},
        {"isInteger", [](const Value &v) {
             return v.isInt() || (v.isFloat() && std::isfinite(v.asFloat()) && std::trunc(v.asFloat()) == v.asFloat());
         }},
        {"isFloat", [](const Value &v) { return v.isFloat(); }},
        {"isString", [](const Value &v) { return v.isString(); }},
        {"isBoolean", [](const Value &v) { return v.isBool(); }},
        {"isBool", [](const Value &v) { return v.isBool(); }},
        {"isNull", [](const Value &v) { return v.isNull(); }},
        {"isArray", [](const Value &v) { return v.isArray(); }},
        {"isObject", [](const Value &v) { return v.isObject(); }},
        {"isFunction", [](const Value &v) { return v.isCallable(); }},
        {"isCallable", [](const Value &v) { return v.isCallable(); }},
    };
    for (const auto &entry : predicates) {
        const auto &name = entry.first; // named variables: clang 14 cannot capture
        const auto &predicate = entry.second; // structured bindings in a lambda
        const QString qname = QLatin1String(name);
        define(qname, [qname, predicate](Vm &, std::vector<Value> &args, int line) {
            expectArgs(args, 1, 1, qname, line);
            return Value(predicate(args.front()));
        });
    }
    // isNaN: true for NaN and for what does not convert to a number (as JavaScript's isNaN).
    define(QStringLiteral("isNaN"), [](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("isNaN"), line);
        const Value &v = args.front();
        if (v.isNumber())
            return Value(std::isnan(v.asNumber()));
        if (v.isString())
            return Value(parseNumber(v.asString()).isNull());
        return Value(!v.isBool() && !v.isNull());
    });
    define(QStringLiteral("isFinite"), [](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("isFinite"), line);
        return Value(args.front().isNumber() && std::isfinite(args.front().asNumber()));
    });
    // toNumber: numbers as they are, booleans 1/0, null 0, numeric text its number;
    // other text is NaN (Havel's scripts compare it with isNaN).
    define(QStringLiteral("toNumber"), [](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("toNumber"), line);
        const Value &v = args.front();
        if (v.isNumber())
            return v;
        if (v.isBool())
            return Value(qint64(v.asBool() ? 1 : 0));
        if (v.isNull())
            return Value(qint64(0));
        if (v.isString()) {
            const Value n = parseNumber(v.asString());
            return n.isNull() ? Value(std::numeric_limits<double>::quiet_NaN()) : n;
        }
        fail(line, QStringLiteral("toNumber: cannot convert %1 to a number").arg(v.typeName()));
    });
    define(QStringLiteral("toString"), [](Vm &vm, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("toString"), line);
        return Value(vm.toText(args.front()));
    });
    define(QStringLiteral("toBool"), [](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("toBool"), line);
        return Value(args.front().isTruthy());
    });
    // parseInt(text, radix = 10): the leading integer of the text, or null if there is none.
    define(QStringLiteral("parseInt"), [](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 2, QStringLiteral("parseInt"), line);
        if (args.front().isNumber())
            return Value(qint64(std::trunc(args.front().asNumber())));
        const QString text = stringArg(args, 0, QStringLiteral("parseInt"), line).trimmed();
        const qint64 radix = args.size() == 2 ? intArg(args, 1, QStringLiteral("parseInt"), line) : 10;
        if (radix < 2 || radix > 36)
            fail(line, QStringLiteral("parseInt: the radix must be from 2 to 36, not %1").arg(radix));
        qsizetype end = 0;
        if (end < text.size() && (text.at(end) == u'-' || text.at(end) == u'+'))
            ++end;
        const qsizetype digits = end;
        while (end < text.size() && text.at(end).isLetterOrNumber()) {
            bool ok = false;
            QString(text.at(end)).toInt(&ok, int(radix));
            if (!ok)
                break;
            ++end;
        }
        if (end == digits)
            return Value();
        bool ok = false;
        const qint64 value = text.left(end).toLongLong(&ok, int(radix));
        return ok ? Value(value) : Value();
    });
    define(QStringLiteral("parseFloat"), [](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("parseFloat"), line);
        if (args.front().isNumber())
            return Value(args.front().asNumber());
        bool ok = false;
        const double d = stringArg(args, 0, QStringLiteral("parseFloat"), line).trimmed().toDouble(&ok);
        return ok ? Value(d) : Value();
    });
}

} // namespace havel::script::modules
