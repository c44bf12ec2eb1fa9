// The methods of arrays that call no script code (Havel's docs/stdlib/array.md), the `array`
// module (array.sum(xs) is xs.sum()), and the built-ins the parser's desugarings call:
// @spread, @merge, @apply (spread), @part, @rest (destructuring), @slice, @del and @set.
// The methods that take a callback (map, filter, sort with a comparator...) are Havel code in
// the prelude (prelude.cpp), so that their callbacks run on the calling fiber.
#include "moduleutil.h"

#include <algorithm>

namespace havel::script::modules {

namespace {

using Builtins::expectArgs;

std::vector<Value> &items(const Value &receiver)
{
    return receiver.asArray()->items;
}

//! An index as Python and Havel read it: negative counts from the end; clipped to 0..size.
qint64 clipIndex(const Value &value, qint64 size, qint64 fallback, const QString &function, int line)
{
    if (value.isNull())
        return fallback;
    std::vector<Value> one{value};
    qint64 i = intArg(one, 0, function, line);
    if (i < 0)
        i += size;
    return std::clamp<qint64>(i, 0, size);
}

//! The order of the default sort: numbers by value, strings by code unit; nothing else mixes.
bool lessThan(const Value &a, const Value &b, int line)
{
    if (a.isNumber() && b.isNumber())
        return a.asNumber() < b.asNumber();
    if (a.isString() && b.isString())
        return a.asString() < b.asString();
    fail(line, QStringLiteral("sort: cannot compare %1 with %2 (pass a comparator)").arg(a.typeName(), b.typeName()));
}

QHash<QString, Vm::Method> arrayMethods()
{
    QHash<QString, Vm::Method> m;
    auto add = [&m](const char *name, std::size_t min, std::size_t max,
                    std::function<Value(Vm &, const Value &, std::vector<Value> &, const QString &, int)> f) {
        const QString qname = QLatin1String(name);
        m.insert(qname, [qname, min, max, f](Vm &vm, const Value &receiver, std::vector<Value> &args, int line) {
            expectArgs(args, min, max, qname, line);
            return f(vm, receiver, args, qname, line);
        });
    };
    add("shift", 0, 0, [](Vm &, const Value &r, std::vector<Value> &, const QString &, int) {
        auto &xs = items(r);
        if (xs.empty())
            return Value();
        Value first = std::move(xs.front());
        xs.erase(xs.begin());
        return first;
    });
    add("unshift", 1, 1, [](Vm &, const Value &r, std::vector<Value> &args, const QString &, int) {
        items(r).insert(items(r).begin(), args.front());
        return Value(qint64(items(r).size()));
    });
    add("insert", 2, 2, [](Vm &, const Value &r, std::vector<Value> &args, const QString &name, int line) {
        auto &xs = items(r);
        const qint64 at = clipIndex(args[0], qint64(xs.size()), 0, name, line);
        xs.insert(xs.begin() + at, args[1]);
        return r;
    });
    for (const char *name : {"remove", "delete", "removeAt"}) {
        add(name, 1, 1, [](Vm &, const Value &r, std::vector<Value> &args, const QString &n, int line) {
            auto &xs = items(r);
            qint64 i = intArg(args, 0, n, line);
            if (i < 0)
                i += qint64(xs.size());
            if (i < 0 || i >= qint64(xs.size()))
                fail(line, QStringLiteral("%1: index %2 out of range (length %3)").arg(n).arg(args[0].asNumber()).arg(xs.size()));
            Value removed = std::move(xs[std::size_t(i)]);
            xs.erase(xs.begin() + i);
            return removed;
        });
    }
    add("clear", 0, 0, [](Vm &, const Value &r, std::vector<Value> &, const QString &, int) {
        items(r).clear();
        return r;
    });
    add("concat", 1, 1, [](Vm &vm, const Value &r, std::vector<Value> &args, const QString &n, int line) {
        if (!args[0].isArray())
            fail(line, QStringLiteral("%1: argument 1 must be an array, not %2").arg(n, args[0].typeName()));
        std::vector<Value> out = items(r);
        out.insert(out.end(), items(args[0]).begin(), items(args[0]).end());
        return makeArray(vm, std::move(out));
    });
    add("extend", 1, 1, [](Vm &, const Value &r, std::vector<Value> &args, const QString &n, int line) {
        if (!args[0].isArray())
            fail(line, QStringLiteral("%1: argument 1 must be an array, not %2").arg(n, args[0].typeName()));
        const std::vector<Value> more = items(args[0]); // a copy: xs.extend(xs) doubles xs
        items(r).insert(items(r).end(), more.begin(), more.end());
        return r;
    });
    add("slice", 0, 2, [](Vm &vm, const Value &r, std::vector<Value> &args, const QString &n, int line) {
        const auto &xs = items(r);
        const qint64 size = qint64(xs.size());
        const qint64 from = args.size() > 0 ? clipIndex(args[0], size, 0, n, line) : 0;
        const qint64 to = args.size() > 1 ? clipIndex(args[1], size, size, n, line) : size;
        return makeArray(vm, from < to ? std::vector<Value>(xs.begin() + from, xs.begin() + to) : std::vector<Value>());
    });
    add("reversed", 0, 0, [](Vm &vm, const Value &r, std::vector<Value> &, const QString &, int) {
        return makeArray(vm, std::vector<Value>(items(r).rbegin(), items(r).rend()));
    });
    add("reverse", 0, 0, [](Vm &, const Value &r, std::vector<Value> &, const QString &, int) {
        std::reverse(items(r).begin(), items(r).end());
        return r;
    });
    add("unique", 0, 0, [](Vm &vm, const Value &r, std::vector<Value> &, const QString &, int) {
        std::vector<Value> out;
        for (const Value &x : items(r)) {
            if (std::none_of(out.begin(), out.end(), [&x](const Value &y) { return y.equals(x); }))
                out.push_back(x);
        }
        return makeArray(vm, std::move(out));
    });
    for (const char *name : {"clone", "copy"}) {
        add(name, 0, 0, [](Vm &vm, const Value &r, std::vector<Value> &, const QString &, int) {
            return makeArray(vm, items(r));
        });
    }
    add("count", 0, 1, [](Vm &, const Value &r, std::vector<Value> &args, const QString &, int) {
        if (args.empty())
            return Value(qint64(items(r).size()));
        return Value(qint64(std::count_if(items(r).begin(), items(r).end(),
                                          [&args](const Value &x) { return x.equals(args[0]); })));
    });
    add("sum", 0, 0, [](Vm &, const Value &r, std::vector<Value> &, const QString &n, int line) {
        qint64 whole = 0;
        double real = 0;
        bool isFloat = false;
        for (const Value &x : items(r)) {
            if (!x.isNumber())
                fail(line, QStringLiteral("%1: the array holds %2, not only numbers").arg(n, x.typeName()));
            if (x.isInt() && !isFloat && !__builtin_add_overflow(whole, x.asInt(), &whole))
                continue;
            if (!isFloat) {
                real = double(whole);
                isFloat = true;
            }
            real += x.asNumber();
        }
        return isFloat ? Value(real) : Value(whole);
    });
    add("avg", 0, 0, [](Vm &, const Value &r, std::vector<Value> &, const QString &n, int line) {
        if (items(r).empty())
            return Value();
        double total = 0;
        for (const Value &x : items(r)) {
            if (!x.isNumber())
                fail(line, QStringLiteral("%1: the array holds %2, not only numbers").arg(n, x.typeName()));
            total += x.asNumber();
        }
        return Value(total / double(items(r).size()));
    });
    for (const char *name : {"max", "min"}) {
        const bool isMax = name[1] == 'a';
        add(name, 0, 0, [isMax](Vm &, const Value &r, std::vector<Value> &, const QString &, int line) {
            const auto &xs = items(r);
            if (xs.empty())
                return Value();
            std::size_t best = 0;
            for (std::size_t i = 1; i < xs.size(); ++i) {
                if (isMax ? lessThan(xs[best], xs[i], line) : lessThan(xs[i], xs[best], line))
                    best = i;
            }
            return xs[best];
        });
    }
    for (const char *name : {"empty", "isEmpty"}) {
        add(name, 0, 0, [](Vm &, const Value &r, std::vector<Value> &, const QString &, int) {
            return Value(items(r).empty());
        });
    }
    add("first", 0, 0, [](Vm &, const Value &r, std::vector<Value> &, const QString &, int) {
        return items(r).empty() ? Value() : items(r).front();
    });
    add("last", 0, 0, [](Vm &, const Value &r, std::vector<Value> &, const QString &, int) {
        return items(r).empty() ? Value() : items(r).back();
    });
    add("flatten", 0, 0, [](Vm &vm, const Value &r, std::vector<Value> &, const QString &, int) {
        std::vector<Value> out;
        for (const Value &x : items(r)) {
            if (x.isArray())
                out.insert(out.end(), items(x).begin(), items(x).end());
            else
                out.push_back(x);
        }
        return makeArray(vm, std::move(out));
    });
    // sort() without a comparator (the prelude's sort calls it): stable, in place.
    add("__sortDefault", 0, 0, [](Vm &, const Value &r, std::vector<Value> &, const QString &, int line) {
        auto &xs = items(r);
        std::vector<Value> sorted = xs; // a comparison that throws leaves xs as it was
        std::stable_sort(sorted.begin(), sorted.end(), [line](const Value &a, const Value &b) { return lessThan(a, b, line); });
        xs = std::move(sorted);
        return r;
    });
    return m;
}

//! A piece of a spread: an array's items or a string's characters.
void appendSpread(std::vector<Value> &out, const Value &piece, int line)
{
    if (piece.isArray()) {
        out.insert(out.end(), piece.asArray()->items.begin(), piece.asArray()->items.end());
    } else if (piece.isString()) {
        for (const uint cp : piece.asString().toUcs4()) {
            const char32_t c = char32_t(cp);
            out.emplace_back(QString::fromUcs4(&c, 1));
        }
    } else {
        fail(line, QStringLiteral("Cannot spread %1: '...' takes an array or a string here.").arg(piece.typeName()));
    }
}

} // namespace

void installArray(Vm &vm)
{
    QHash<QString, Vm::Method> methods = arrayMethods();
    // The few methods builtins.cpp has always had (push, pop, join, len, has...).
    installCoreArrayMethods(methods);
    // The `array` module: each method as a function of the array and the arguments.
    ModuleBuilder array(vm, QStringLiteral("array"));
    for (auto it = methods.cbegin(); it != methods.cend(); ++it) {
        if (it.key().startsWith(QLatin1String("__")))
            continue;
        const QString full = QStringLiteral("array.") + it.key();
        const Vm::Method method = it.value();
        array.function(it.key(), [full, method](Vm &vm, std::vector<Value> &args, int line) {
            if (args.empty() || !args.front().isArray())
                fail(line, QStringLiteral("%1: argument 1 must be an array, not %2")
                                   .arg(full, args.empty() ? QStringLiteral("nothing") : args.front().typeName()));
            const Value receiver = args.front();
            args.erase(args.begin());
            return method(vm, receiver, args, line);
        });
    }
    array.install();
    vm.setMethods(Value::Type::Array, std::move(methods));

    auto define = [&vm](const QString &name, NativeFunction::Function function) {
        vm.defineGlobal(name, Value(native(name, std::move(function))));
    };
    define(QStringLiteral("@spread"), [](Vm &vm, std::vector<Value> &args, int line) {
        std::vector<Value> out;
        for (const Value &piece : args)
            appendSpread(out, piece, line);
        return makeArray(vm, std::move(out));
    });
    define(QStringLiteral("@merge"), [](Vm &vm, std::vector<Value> &args, int line) {
        auto merged = makeRef<Object>(&vm.heap());
        for (const Value &piece : args) {
            if (piece.isNull())
                continue;
            if (!piece.isObject())
                fail(line, QStringLiteral("Cannot spread %1 into an object.").arg(piece.typeName()));
            for (const auto &entry : piece.asObject()->entries())
                merged->set(entry.first, entry.second);
        }
        return Value(merged);
    });
    auto apply = native(QStringLiteral("@apply"), [](Vm &, std::vector<Value> &, int line) -> Value {
        fail(line, QStringLiteral("apply: the VM carries this out")); // Intrinsic::Apply
    });
    apply->intrinsic = NativeFunction::Intrinsic::Apply;
    vm.defineGlobal(QStringLiteral("@apply"), Value(apply));
    define(QStringLiteral("@part"), [](Vm &, std::vector<Value> &args, int line) {
        const Value &value = args[0];
        if (args[1].isInt()) {
            const qint64 i = args[1].asInt();
            if (value.isArray())
                return i < qint64(items(value).size()) ? items(value)[std::size_t(i)] : Value();
            if (value.isString()) {
                const QList<uint> points = value.asString().toUcs4();
                const char32_t c = i < points.size() ? char32_t(points.at(i)) : 0;
                return i < points.size() ? Value(QString::fromUcs4(&c, 1)) : Value();
            }
            fail(line, QStringLiteral("Cannot destructure %1 by position: it is not an array.").arg(value.typeName()));
        }
        if (value.isObject()) {
            const Value *member = value.asObject()->get(args[1].asString());
            return member ? *member : Value();
        }
        fail(line, QStringLiteral("Cannot destructure %1 by key: it is not an object.").arg(value.typeName()));
    });
    define(QStringLiteral("@rest"), [](Vm &vm, std::vector<Value> &args, int line) {
        const Value &value = args[0];
        if (args[1].isInt()) {
            if (!value.isArray())
                fail(line, QStringLiteral("Cannot destructure %1 by position: it is not an array.").arg(value.typeName()));
            const auto &xs = items(value);
            const std::size_t from = std::min(std::size_t(args[1].asInt()), xs.size());
            return makeArray(vm, std::vector<Value>(xs.begin() + std::ptrdiff_t(from), xs.end()));
        }
        if (!value.isObject())
            fail(line, QStringLiteral("Cannot destructure %1 by key: it is not an object.").arg(value.typeName()));
        QStringList named;
        for (const Value &key : items(args[1]))
            named.append(key.asString());
        auto rest = makeRef<Object>(&vm.heap());
        for (const auto &entry : value.asObject()->entries()) {
            if (!named.contains(entry.first))
                rest->set(entry.first, entry.second);
        }
        return Value(rest);
    });
    // a[start:end] on an array or a string: end exclusive, negative from the end, clipped.
    define(QStringLiteral("@slice"), [](Vm &vm, std::vector<Value> &args, int line) {
        const Value &value = args[0];
        if (value.isArray()) {
            const auto &xs = items(value);
            const qint64 size = qint64(xs.size());
            const qint64 from = clipIndex(args[1], size, 0, QStringLiteral("slice"), line);
            const qint64 to = clipIndex(args[2], size, size, QStringLiteral("slice"), line);
            return makeArray(vm, from < to ? std::vector<Value>(xs.begin() + from, xs.begin() + to) : std::vector<Value>());
        }
        if (value.isString()) {
            const QList<uint> points = value.asString().toUcs4();
            const qint64 size = points.size();
            const qint64 from = clipIndex(args[1], size, 0, QStringLiteral("slice"), line);
            const qint64 to = clipIndex(args[2], size, size, QStringLiteral("slice"), line);
            if (from >= to)
                return Value(QString());
            return Value(QString::fromUcs4(reinterpret_cast<const char32_t *>(points.constData()) + from, to - from));
        }
        fail(line, QStringLiteral("Cannot slice %1: [a:b] takes an array or a string.").arg(value.typeName()));
    });
    // `del xs[i]` removes the item (the rest move down); `del o.k` / `del o[k]` the key.
    define(QStringLiteral("@del"), [](Vm &vm, std::vector<Value> &args, int line) {
        const Value &target = args[0];
        if (target.isArray()) {
            if (!args[1].isInt())
                fail(line, QStringLiteral("del: an array index must be an integer, not %1").arg(args[1].typeName()));
            auto &xs = items(target);
            qint64 i = args[1].asInt();
            if (i < 0)
                i += qint64(xs.size());
            if (i < 0 || i >= qint64(xs.size()))
                fail(line, QStringLiteral("del: index %1 out of range (length %2)").arg(args[1].asInt()).arg(xs.size()));
            xs.erase(xs.begin() + i);
            return Value(true);
        }
        if (target.isObject())
            return Value(target.asObject()->remove(args[1].isString() ? args[1].asString() : vm.toText(args[1])));
        fail(line, QStringLiteral("del: cannot delete from %1").arg(target.typeName()));
    });
    // {1, 2}: an object whose keys are the items as text, each true.
    define(QStringLiteral("@set"), [](Vm &vm, std::vector<Value> &args, int) {
        auto set = makeRef<Object>(&vm.heap());
        for (const Value &item : items(args[0]))
            set->set(item.isString() ? item.asString() : vm.toText(item), true);
        return Value(set);
    });
}

} // namespace havel::script::modules
