#include "builtins.h"
#include "moduleutil.h"

#include <scriptobjects.h>
#include <vm.h>
#include <vmhost.h>

#include <chrono>
#include <cmath>
#include <limits>

namespace havel::script {

void Builtins::expectArgs(const std::vector<Value> &args, std::size_t min, std::size_t max,
                          const QString &function, int line)
{
    if (args.size() < min || args.size() > max) {
        const QString expected = min == max ? QString::number(min)
                                            : QStringLiteral("%1 to %2").arg(min).arg(max);
        fail(line, QStringLiteral("%1: expected %2 argument(s), got %3")
                           .arg(function, expected)
                           .arg(args.size()));
    }
}

qint64 Builtins::durationMs(const Value &value, const QString &function, int line)
{
    double ms = 0;
    if (value.isInt()) {
        ms = double(value.asInt());
    } else if (value.isFloat()) {
        ms = value.asFloat();
    } else if (value.isString()) {
        const QString text = value.asString().trimmed();
        static const std::pair<const char *, double> units[] = {
            {"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}};
        bool ok = false;
        for (const auto &[suffix, factor] : units) {
            if (text.endsWith(QLatin1String(suffix))) {
                const double number = text.chopped(int(qstrlen(suffix))).trimmed().toDouble(&ok);
                if (ok) {
                    ms = number * factor;
                    break;
                }
            }
        }
        if (!ok) {
            ms = text.toDouble(&ok);
            if (!ok)
                fail(line, QStringLiteral("%1: invalid duration \"%2\" (use a number of "
                                          "milliseconds or \"500ms\", \"1s\", \"2.5m\", \"1h\")")
                                   .arg(function, value.asString()));
        }
    } else {
        fail(line, QStringLiteral("%1: duration must be a number of milliseconds or a string "
                                  "like \"500ms\", not %2")
                           .arg(function, value.typeName()));
    }
    if (std::isnan(ms))
        fail(line, QStringLiteral("%1: duration is not a number").arg(function));
    if (ms < 0)
        fail(line, QStringLiteral("%1: duration must not be negative (got %2)")
                           .arg(function, Value::formatNumber(ms)));
    // Far-future delays saturate: the timer core treats them as "never".
    if (ms > 9.0e15)
        return qint64(9e15);
    return qint64(std::ceil(ms));
}

namespace {

using Builtins::expectArgs;

Ref<NativeFunction> native(const QString &name, NativeFunction::Function function)
{
    return makeRef<NativeFunction>(name, std::move(function));
}

Value sleepNative(Vm &vm, std::vector<Value> &args, int line)
{
    expectArgs(args, 1, 1, QStringLiteral("sleep"), line);
    const qint64 ms = Builtins::durationMs(args.front(), QStringLiteral("sleep"), line);
    // The fiber parks; other fibers (timer callbacks that come due) run meanwhile.
    vm.sleepCurrent(ms);
    return Value();
}

} // namespace

void modules::installCoreArrayMethods(QHash<QString, Vm::Method> &methods)
{
    methods.insert(QStringLiteral("push"), [](Vm &, const Value &receiver, std::vector<Value> &args, int) {
        auto &items = receiver.asArray()->items;
        for (Value &arg : args)
            items.push_back(std::move(arg));
        return Value(qint64(items.size()));
    });
    methods.insert(QStringLiteral("pop"), [](Vm &, const Value &receiver, std::vector<Value> &, int) {
        auto &items = receiver.asArray()->items;
        if (items.empty())
            return Value();
        Value last = std::move(items.back());
        items.pop_back();
        return last;
    });
    methods.insert(QStringLiteral("join"), [](Vm &vm, const Value &receiver, std::vector<Value> &args, int) {
        const QString separator = args.empty() ? QStringLiteral(",") : vm.toText(args.front());
        QStringList parts;
        for (const Value &item : receiver.asArray()->items)
            parts.append(vm.toText(item));
        return Value(parts.join(separator));
    });
    methods.insert(QStringLiteral("len"), [](Vm &, const Value &receiver, std::vector<Value> &args, int line) {
        expectArgs(args, 0, 0, QStringLiteral("len"), line);
        return Value(qint64(receiver.asArray()->items.size()));
    });
    // `has` is Havel's name for contains.
    for (const QString &name : {QStringLiteral("contains"), QStringLiteral("includes"), QStringLiteral("has"),
                                QStringLiteral("indexOf")}) {
        const bool index = name == QLatin1String("indexOf");
        methods.insert(name, [name, index](Vm &, const Value &receiver, std::vector<Value> &args, int line) {
            expectArgs(args, 1, 1, name, line);
            const auto &items = receiver.asArray()->items;
            for (std::size_t i = 0; i < items.size(); ++i) {
                if (items[i].equals(args.front()))
                    return index ? Value(qint64(i)) : Value(true);
            }
            return index ? Value(qint64(-1)) : Value(false);
        });
    }
}

namespace {

QHash<QString, Vm::Method> channelMethods()
{
    // Each channel operation leaves its result on the fiber's stack (or parks the fiber with a
    // placeholder there); a method returns it instead, so it is taken back off.
    auto takeResult = [](Vm &vm) {
        Fiber &fiber = *vm.currentFiber();
        Value result = std::move(fiber.stack.back());
        fiber.stack.pop_back();
        return result;
    };
    QHash<QString, Vm::Method> methods;
    methods.insert(QStringLiteral("send"), [takeResult](Vm &vm, const Value &receiver, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("send"), line);
        vm.channelSend(*vm.currentFiber(), *receiver.asChannel(), args.front(), line);
        return takeResult(vm);
    });
    auto receive = [takeResult](Vm &vm, const Value &receiver, std::vector<Value> &args, int line) {
        expectArgs(args, 0, 0, QStringLiteral("receive"), line);
        vm.channelReceive(*vm.currentFiber(), *receiver.asChannel());
        return takeResult(vm);
    };
    methods.insert(QStringLiteral("receive"), receive);
    methods.insert(QStringLiteral("recv"), receive);
    methods.insert(QStringLiteral("close"), [](Vm &vm, const Value &receiver, std::vector<Value> &, int) {
        vm.channelClose(*receiver.asChannel());
        return Value();
    });
    methods.insert(QStringLiteral("len"), [](Vm &, const Value &receiver, std::vector<Value> &, int) {
        return Value(qint64(receiver.asChannel()->buffer.size()));
    });
    return methods;
}

QHash<QString, Vm::Method> stringMethods()
{
    QHash<QString, Vm::Method> methods;
    methods.insert(QStringLiteral("upper"), [](Vm &, const Value &receiver, std::vector<Value> &, int) {
        return Value(receiver.asString().toUpper());
    });
    methods.insert(QStringLiteral("lower"), [](Vm &, const Value &receiver, std::vector<Value> &, int) {
        return Value(receiver.asString().toLower());
    });
    methods.insert(QStringLiteral("trim"), [](Vm &, const Value &receiver, std::vector<Value> &, int) {
        return Value(receiver.asString().trimmed());
    });
    for (const QString &name : {QStringLiteral("contains"), QStringLiteral("startsWith"), QStringLiteral("endsWith")}) {
        methods.insert(name, [name](Vm &vm, const Value &receiver, std::vector<Value> &args, int line) {
            expectArgs(args, 1, 1, name, line);
            const QString &text = receiver.asString();
            const QString needle = vm.toText(args.front());
            if (name == QLatin1String("contains"))
                return Value(text.contains(needle));
            return Value(name == QLatin1String("startsWith") ? text.startsWith(needle) : text.endsWith(needle));
        });
    }
    methods.insert(QStringLiteral("split"), [](Vm &vm, const Value &receiver, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("split"), line);
        std::vector<Value> parts;
        for (const QString &part : receiver.asString().split(vm.toText(args.front())))
            parts.emplace_back(part);
        return Value(makeRef<Array>(&vm.heap(), std::move(parts)));
    });
    return methods;
}

} // namespace

void Builtins::install(Vm &vm)
{
    auto define = [&vm](const QString &name, NativeFunction::Function function) {
        vm.defineGlobal(name, Value(native(name, std::move(function))));
    };
    auto print = [](Vm &vm, std::vector<Value> &args, int) {
        QStringList parts;
        for (const Value &arg : args)
            parts.append(vm.toText(arg));
        vm.host().print(parts.join(u' ') + u'\n');
        return Value();
    };
    define(QStringLiteral("print"), print);
    define(QStringLiteral("println"), print);
    define(QStringLiteral("sleep"), sleepNative);
    // wait(ms): Havel's documented alias of sleep (`wait t` without parentheses awaits t).
    define(QStringLiteral("wait"), [](Vm &vm, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("wait"), line);
        vm.sleepCurrent(Builtins::durationMs(args.front(), QStringLiteral("wait"), line));
        return Value();
    });

    define(QStringLiteral("str"), [](Vm &vm, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("str"), line);
        return Value(vm.toText(args.front()));
    });
    define(QStringLiteral("int"), [](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("int"), line);
        const Value &v = args.front();
        if (v.isInt())
            return v;
        if (v.isBool())
            return Value(qint64(v.asBool() ? 1 : 0));
        if (v.isFloat()) {
            const double d = std::trunc(v.asFloat());
            if (!std::isfinite(d) || std::fabs(d) >= 9.2e18)
                fail(line, QStringLiteral("int: %1 is out of range").arg(Value::formatNumber(v.asFloat())));
            return Value(qint64(d));
        }
        if (v.isString()) {
            bool ok = false;
            const qint64 i = v.asString().trimmed().toLongLong(&ok);
            if (ok)
                return Value(i);
            const double d = v.asString().trimmed().toDouble(&ok);
            if (ok && std::isfinite(d) && std::fabs(d) < 9.2e18)
                return Value(qint64(std::trunc(d)));
            fail(line, QStringLiteral("int: cannot convert \"%1\" to an integer").arg(v.asString()));
        }
        fail(line, QStringLiteral("int: cannot convert %1 to an integer").arg(v.typeName()));
    });
    define(QStringLiteral("float"), [](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("float"), line);
        const Value &v = args.front();
        if (v.isNumber())
            return Value(v.asNumber());
        if (v.isBool())
            return Value(v.asBool() ? 1.0 : 0.0);
        if (v.isString()) {
            bool ok = false;
            const double d = v.asString().trimmed().toDouble(&ok);
            if (ok)
                return Value(d);
            fail(line, QStringLiteral("float: cannot convert \"%1\" to a number").arg(v.asString()));
        }
        fail(line, QStringLiteral("float: cannot convert %1 to a number").arg(v.typeName()));
    });
    define(QStringLiteral("len"), [](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("len"), line);
        const Value &v = args.front();
        if (v.isString())
            return Value(qint64(v.asString().toUcs4().size())); // code points: emoji count once
        if (v.isArray())
            return Value(qint64(v.asArray()->items.size()));
        if (v.isObject())
            return Value(qint64(v.asObject()->size()));
        fail(line, QStringLiteral("len: expected a string, array or object, not %1").arg(v.typeName()));
    });
    define(QStringLiteral("abs"), [](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("abs"), line);
        const Value &v = args.front();
        if (v.isInt())
            return v.asInt() == std::numeric_limits<qint64>::min() ? Value(-double(v.asInt()))
                                                                   : Value(v.asInt() < 0 ? -v.asInt() : v.asInt());
        if (v.isFloat())
            return Value(std::fabs(v.asFloat()));
        fail(line, QStringLiteral("abs: expected a number, not %1").arg(v.typeName()));
    });
    define(QStringLiteral("type"), [](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("type"), line);
        return Value(args.front().typeName());
    });
    define(QStringLiteral("keys"), [](Vm &vm, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("keys"), line);
        if (!args.front().isObject())
            fail(line, QStringLiteral("keys: expected an object, not %1").arg(args.front().typeName()));
        std::vector<Value> keys;
        for (const QString &key : args.front().asObject()->keys())
            keys.emplace_back(key);
        return Value(makeRef<Array>(&vm.heap(), std::move(keys)));
    });
    define(QStringLiteral("assert"), [](Vm &vm, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 2, QStringLiteral("assert"), line);
        if (!args.front().isTruthy()) {
            if (args.size() == 2)
                fail(line, QStringLiteral("Assertion failed: %1").arg(vm.toText(args[1])));
            fail(line, QStringLiteral("Assertion failed"));
        }
        return Value();
    });
    define(QStringLiteral("exit"), [](Vm &vm, std::vector<Value> &args, int line) -> Value {
        expectArgs(args, 0, 1, QStringLiteral("exit"), line);
        qint64 code = 0;
        if (!args.empty()) {
            if (!args.front().isInt() || args.front().asInt() < 0 || args.front().asInt() > 255)
                fail(line, QStringLiteral("exit: code must be an integer from 0 to 255"));
            code = args.front().asInt();
        }
        vm.host().requestExit(int(code));
        throw StopUnwind{};
    });

    // atomic(fn): a critical section. fn runs on the calling fiber and no other fiber (no timer
    // callback) runs until it returns; the VM carries it out (see Vm::callValue).
    auto atomic = native(QStringLiteral("atomic"), [](Vm &, std::vector<Value> &, int line) -> Value {
        fail(line, QStringLiteral("atomic: expected one function"));
    });
    atomic->intrinsic = NativeFunction::Intrinsic::Atomic;
    vm.defineGlobal(QStringLiteral("atomic"), Value(atomic));

    modules::installTime(vm, sleepNative);

    // `for i, x in xs` iterates over @pairs(xs): [index, item] of an array or a string,
    // [key, value] of an object.
    define(QStringLiteral("@pairs"), [](Vm &vm, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("for"), line);
        const Value &v = args.front();
        std::vector<Value> pairs;
        auto pair = [&vm](Value a, Value b) {
            return Value(makeRef<Array>(&vm.heap(), std::vector<Value>{std::move(a), std::move(b)}));
        };
        if (v.isArray()) {
            const auto &items = v.asArray()->items;
            for (std::size_t i = 0; i < items.size(); ++i)
                pairs.push_back(pair(qint64(i), items[i]));
        } else if (v.isObject()) {
            for (const auto &entry : v.asObject()->entries())
                pairs.push_back(pair(entry.first, entry.second));
        } else if (v.isString()) {
            qint64 i = 0;
            for (const uint cp : v.asString().toUcs4()) {
                const char32_t c = char32_t(cp);
                pairs.push_back(pair(i++, QString::fromUcs4(&c, 1)));
            }
        } else {
            fail(line, QStringLiteral("Can only iterate over an array, object or string with two variables, not %1.")
                               .arg(v.typeName()));
        }
        return Value(makeRef<Array>(&vm.heap(), std::move(pairs)));
    });

    // `use NAME` (the parser's `@use("NAME")()`): a function giving the built-in module (`use
    // format` is fmt). The interpreter replaces this with one that also loads file modules.
    define(QStringLiteral("@use"), [](Vm &vm, std::vector<Value> &args, int line) {
        const QString name = args.size() == 1 ? vm.toText(args.front()) : QString();
        const QString global = name == QLatin1String("format") ? QStringLiteral("fmt") : name;
        if (!vm.isDeclaredGlobal(global))
            fail(line, QStringLiteral("use: unknown module '%1'").arg(name));
        const Value module = vm.global(global);
        return Value(native(QStringLiteral("use"), [module](Vm &, std::vector<Value> &, int) { return module; }));
    });

    // Havel's library (issue 11), one module per file.
    modules::installMath(vm);
    modules::installString(vm);
    modules::installBit(vm);
    modules::installObject(vm);
    modules::installTypes(vm);
    modules::installProcess(vm);
    modules::installFmt(vm);
    modules::installLog(vm);
    modules::installRegex(vm);
    modules::installPack(vm);
    modules::installDebug(vm);

    modules::installArray(vm);
    vm.setMethods(Value::Type::String, stringMethods());
    vm.setMethods(Value::Type::Channel, channelMethods());

    // receive() inside a `thread { }`: its next message, waiting for one.
    define(QStringLiteral("receive"), [](Vm &vm, std::vector<Value> &args, int line) {
        expectArgs(args, 0, 0, QStringLiteral("receive"), line);
        Fiber &fiber = *vm.currentFiber();
        const auto task = Ref<Task>(fiber.task);
        if (!task || !task->mailbox)
            fail(line, QStringLiteral("receive: only code in a thread { } has a mailbox to receive from"));
        vm.channelReceive(fiber, *task->mailbox);
        Value result = std::move(fiber.stack.back());
        fiber.stack.pop_back();
        return result;
    });

    // channel() is unbuffered: a send waits for a receiver; channel(n) buffers n values.
    define(QStringLiteral("channel"), [](Vm &vm, std::vector<Value> &args, int line) {
        expectArgs(args, 0, 1, QStringLiteral("channel"), line);
        qint64 capacity = 0;
        if (!args.empty()) {
            if (!args.front().isInt() || args.front().asInt() < 0 || args.front().asInt() > (qint64(1) << 30))
                fail(line, QStringLiteral("channel: the capacity must be an integer from 0 to 2^30"));
            capacity = args.front().asInt();
        }
        return Value(makeRef<Channel>(&vm.heap(), std::size_t(capacity)));
    });
}

} // namespace havel::script
