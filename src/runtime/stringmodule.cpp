// The `string` module (Havel's docs/stdlib/string.md): functions that take the string first,
// `string.upper(s)`, beside the methods of strings (`s.upper()`). Indexes count UTF-16 units
// as QString does; lengths (string.len, #s, len(s)) count code points, so an emoji is one.
#include "moduleutil.h"

namespace havel::script::modules {

namespace {

const QString &str(const std::vector<Value> &args, std::size_t i, const char *function, int line)
{
    return stringArg(args, i, QLatin1String(function), line);
}

} // namespace

void installString(Vm &vm)
{
    ModuleBuilder string(vm, QStringLiteral("string"));
    using Builtins::expectArgs;
    string.function(QStringLiteral("len"), [](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("string.len"), line);
        return Value(qint64(str(args, 0, "string.len", line).toUcs4().size()));
    });
    string.function(QStringLiteral("upper"), [](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("string.upper"), line);
        return Value(str(args, 0, "string.upper", line).toUpper());
    });
    string.function(QStringLiteral("lower"), [](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("string.lower"), line);
        return Value(str(args, 0, "string.lower", line).toLower());
    });
    string.function(QStringLiteral("trim"), [](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("string.trim"), line);
        return Value(str(args, 0, "string.trim", line).trimmed());
    });
    string.function(QStringLiteral("reverse"), [](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("string.reverse"), line);
        QList<uint> points = str(args, 0, "string.reverse", line).toUcs4(); // keeps emoji whole
        std::reverse(points.begin(), points.end());
        return Value(QString::fromUcs4(reinterpret_cast<const char32_t *>(points.constData()), points.size()));
    });
    // Predicates: both Havel's spellings (startswith) and the camel-case ones of methods.
    const std::pair<const char *, int> predicates[] = {
        {"startswith", 0}, {"startsWith", 0}, {"endswith", 1}, {"endsWith", 1},
        {"includes", 2}, {"contains", 2}};
    for (const auto &entry : predicates) {
        const auto &name = entry.first; // named variables: clang 14 cannot capture
        const auto &kind = entry.second; // structured bindings in a lambda
        const QString full = QStringLiteral("string.") + QLatin1String(name);
        string.function(QLatin1String(name), [full, kind](Vm &, std::vector<Value> &args, int line) {
            expectArgs(args, 2, 2, full, line);
            const QString &text = stringArg(args, 0, full, line);
            const QString &needle = stringArg(args, 1, full, line);
            return Value(kind == 0 ? text.startsWith(needle) : kind == 1 ? text.endsWith(needle)
                                                                         : text.contains(needle));
        });
    }
    // find / indexOf: the index of the first match, or -1.
    for (const char *name : {"find", "indexOf"}) {
        const QString full = QStringLiteral("string.") + QLatin1String(name);
        string.function(QLatin1String(name), [full](Vm &, std::vector<Value> &args, int line) {
            expectArgs(args, 2, 3, full, line);
            const qint64 from = args.size() == 3 ? intArg(args, 2, full, line) : 0;
            return Value(qint64(stringArg(args, 0, full, line).indexOf(stringArg(args, 1, full, line), from)));
        });
    }
    // replace: the first occurrence, as Havel's smoke suite checks (string_replace.hv:
    // "hello", "l", "r" gives "herlo"); replaceAll: every one.
    for (const bool all : {false, true}) {
        const QString full = all ? QStringLiteral("string.replaceAll") : QStringLiteral("string.replace");
        string.function(all ? QStringLiteral("replaceAll") : QStringLiteral("replace"),
                        [full, all](Vm &, std::vector<Value> &args, int line) {
            expectArgs(args, 3, 3, full, line);
            QString text = stringArg(args, 0, full, line);
            const QString &from = stringArg(args, 1, full, line);
            const QString &to = stringArg(args, 2, full, line);
            if (from.isEmpty())
                fail(line, QStringLiteral("%1: the text to replace must not be empty").arg(full));
            if (all)
                return Value(text.replace(from, to));
            const qsizetype at = text.indexOf(from);
            return Value(at < 0 ? text : text.replace(at, from.size(), to));
        });
    }
    string.function(QStringLiteral("split"), [](Vm &vm, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 2, QStringLiteral("string.split"), line);
        const QString &text = str(args, 0, "string.split", line);
        const QString separator = args.size() == 2 ? str(args, 1, "string.split", line) : QStringLiteral(" ");
        std::vector<Value> parts;
        if (separator.isEmpty()) {
            for (const uint cp : text.toUcs4()) {
                const char32_t c = char32_t(cp);
                parts.emplace_back(QString::fromUcs4(&c, 1));
            }
        } else {
            for (const QString &part : text.split(separator))
                parts.emplace_back(part);
        }
        return makeArray(vm, std::move(parts));
    });
    string.function(QStringLiteral("join"), [](Vm &vm, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 2, QStringLiteral("string.join"), line);
        if (!args.front().isArray())
            fail(line, QStringLiteral("string.join: argument 1 must be an array, not %1").arg(args.front().typeName()));
        const QString separator = args.size() == 2 ? vm.toText(args[1]) : QString();
        QStringList parts;
        for (const Value &item : args.front().asArray()->items)
            parts.append(vm.toText(item));
        return Value(parts.join(separator));
    });
    // sub(s, start, length) as Havel documents it; substr is the same. Out-of-range parts
    // are clipped, as QString::mid does.
    for (const char *name : {"sub", "substr"}) {
        const QString full = QStringLiteral("string.") + QLatin1String(name);
        string.function(QLatin1String(name), [full](Vm &, std::vector<Value> &args, int line) {
            expectArgs(args, 2, 3, full, line);
            const QString &text = stringArg(args, 0, full, line);
            const qint64 start = intArg(args, 1, full, line);
            const qint64 length = args.size() == 3 ? intArg(args, 2, full, line) : -1;
            if (start < 0 || length < -1)
                fail(line, QStringLiteral("%1: start and length must not be negative").arg(full));
            return Value(text.mid(start, length));
        });
    }
    string.function(QStringLiteral("repeat"), [](Vm &vm, std::vector<Value> &args, int line) {
        expectArgs(args, 2, 2, QStringLiteral("string.repeat"), line);
        const QString &text = str(args, 0, "string.repeat", line);
        const qint64 times = intArg(args, 1, QStringLiteral("string.repeat"), line);
        if (times < 0)
            fail(line, QStringLiteral("string.repeat: the count must not be negative"));
        vm.checkHeap(qint64(text.size()) * times * 2, line);
        return Value(text.repeated(times));
    });
    string.function(QStringLiteral("char"), [](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("string.char"), line);
        const qint64 code = intArg(args, 0, QStringLiteral("string.char"), line);
        if (code < 0 || code > 0x10FFFF)
            fail(line, QStringLiteral("string.char: %1 is not a Unicode code point").arg(code));
        const char32_t c = char32_t(code);
        return Value(QString::fromUcs4(&c, 1));
    });
    string.function(QStringLiteral("byte"), [](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 2, QStringLiteral("string.byte"), line);
        const QList<uint> points = str(args, 0, "string.byte", line).toUcs4();
        const qint64 i = args.size() == 2 ? intArg(args, 1, QStringLiteral("string.byte"), line) : 0;
        if (i < 0 || i >= points.size())
            return Value();
        return Value(qint64(points.at(i)));
    });
    // Havel's flat `replace(s, old, new)` (its smoke suite's replace_global_plain).
    vm.defineGlobal(QStringLiteral("replace"), *string.object()->get(QStringLiteral("replace")));
    string.install();
}

} // namespace havel::script::modules
