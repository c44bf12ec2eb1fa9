// The built-in functions and the methods of built-in types: the part of Interpreter that is
// the standard library rather than the evaluator.
#include "interpreter.h"

#include "scriptobjects.h"
#include "timerbindings.h"

#include <chrono>
#include <cmath>

namespace havel::script {

namespace {

void expectArgs(const std::vector<Value> &args, std::size_t min, std::size_t max,
                const QString &function, int line)
{
    if (args.size() < min || args.size() > max) {
        const QString expected = min == max ? QString::number(min)
                                            : QStringLiteral("%1 to %2").arg(min).arg(max);
        Interpreter::fail(line, QStringLiteral("%1: expected %2 argument(s), got %3")
                                        .arg(function, expected)
                                        .arg(args.size()));
    }
}

} // namespace

void Interpreter::defineNative(const QString &name,
                               std::function<Value(Interpreter &, std::vector<Value> &, int)> fn)
{
    m_globals->define(name, std::make_shared<NativeFunction>(name, std::move(fn)));
}

std::shared_ptr<Object> Interpreter::makeModule(const QString &name)
{
    auto module = std::make_shared<Object>(&m_heap);
    m_globals->define(name, module);
    return module;
}

void Interpreter::installBuiltins()
{
    auto print = [](Interpreter &self, std::vector<Value> &args, int) {
        QStringList parts;
        for (const Value &arg : args)
            parts.append(self.toText(arg));
        self.print(parts.join(u' ') + u'\n');
        return Value();
    };
    defineNative(QStringLiteral("print"), print);
    defineNative(QStringLiteral("println"), print);

    auto sleep = [](Interpreter &self, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("sleep"), line);
        const qint64 ms = durationMs(args.front(), QStringLiteral("sleep"), line);
        self.runNestedLoop(ms);
        return Value();
    };
    defineNative(QStringLiteral("sleep"), sleep);

    defineNative(QStringLiteral("str"), [](Interpreter &self, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("str"), line);
        return Value(self.toText(args.front()));
    });
    defineNative(QStringLiteral("int"), [](Interpreter &, std::vector<Value> &args, int line) {
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
    defineNative(QStringLiteral("float"), [](Interpreter &, std::vector<Value> &args, int line) {
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
    defineNative(QStringLiteral("len"), [](Interpreter &, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("len"), line);
        const Value &v = args.front();
        if (v.isString())
            return Value(qint64(v.asString().toUcs4().size())); // code points: emoji count once
        if (v.isArray())
            return Value(qint64(v.asArray()->items.size()));
        if (v.isObject())
            return Value(qint64(v.asObject()->keys().size()));
        fail(line, QStringLiteral("len: expected a string, array or object, not %1").arg(v.typeName()));
    });
    defineNative(QStringLiteral("abs"), [](Interpreter &, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("abs"), line);
        const Value &v = args.front();
        if (v.isInt())
            return v.asInt() == std::numeric_limits<qint64>::min() ? Value(-double(v.asInt()))
                                                                   : Value(v.asInt() < 0 ? -v.asInt() : v.asInt());
        if (v.isFloat())
            return Value(std::fabs(v.asFloat()));
        fail(line, QStringLiteral("abs: expected a number, not %1").arg(v.typeName()));
    });
    defineNative(QStringLiteral("type"), [](Interpreter &, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("type"), line);
        return Value(args.front().typeName());
    });
    defineNative(QStringLiteral("keys"), [](Interpreter &self, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("keys"), line);
        if (!args.front().isObject())
            fail(line, QStringLiteral("keys: expected an object, not %1").arg(args.front().typeName()));
        std::vector<Value> keys;
        for (const QString &key : args.front().asObject()->keys())
            keys.emplace_back(key);
        return Value(std::make_shared<Array>(&self.heap(), std::move(keys)));
    });
    defineNative(QStringLiteral("assert"), [](Interpreter &self, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 2, QStringLiteral("assert"), line);
        if (!args.front().isTruthy()) {
            if (args.size() == 2)
                fail(line, QStringLiteral("Assertion failed: %1").arg(self.toText(args[1])));
            fail(line, QStringLiteral("Assertion failed"));
        }
        return Value();
    });
    defineNative(QStringLiteral("exit"), [](Interpreter &self, std::vector<Value> &args, int line) -> Value {
        expectArgs(args, 0, 1, QStringLiteral("exit"), line);
        qint64 code = 0;
        if (!args.empty()) {
            if (!args.front().isInt() || args.front().asInt() < 0 || args.front().asInt() > 255)
                fail(line, QStringLiteral("exit: code must be an integer from 0 to 255"));
            code = args.front().asInt();
        }
        self.requestFinish(int(code));
        throw StopUnwind{};
    });

    auto time = makeModule(QStringLiteral("time"));
    time->set(QStringLiteral("now"), std::make_shared<NativeFunction>(
                                             QStringLiteral("time.now"), [](Interpreter &, std::vector<Value> &, int) {
                                                 // The steady clock: differences are exact, and
                                                 // never jump with the wall clock.
                                                 using namespace std::chrono;
                                                 return Value(qint64(duration_cast<milliseconds>(
                                                         steady_clock::now().time_since_epoch()).count()));
                                             }));
    time->set(QStringLiteral("sleep"), std::make_shared<NativeFunction>(QStringLiteral("time.sleep"), sleep));
}

Value Interpreter::callMethod(const Value &receiver, const QString &name, std::vector<Value> &args,
                              int line)
{
    switch (receiver.type()) {
    case Value::Type::Object: {
        const Value *property = receiver.asObject()->get(name);
        if (!property)
            fail(line, QStringLiteral("Object has no method '%1'.").arg(name));
        const Value callee = *property;
        return call(callee, args, line);
    }
    case Value::Type::Native:
        return call(getMember(receiver, name, line), args, line);
    case Value::Type::Handle:
        return m_timers->callHandleMethod(receiver.asHandle(), name, args, line);
    case Value::Type::Array: {
        const std::shared_ptr<Array> array = receiver.asArray();
        auto &items = array->items;
        if (name == QLatin1String("push")) {
            for (Value &arg : args)
                items.push_back(std::move(arg));
            return qint64(items.size());
        }
        if (name == QLatin1String("pop")) {
            if (items.empty())
                return Value();
            Value last = std::move(items.back());
            items.pop_back();
            return last;
        }
        if (name == QLatin1String("join")) {
            const QString separator = args.empty() ? QStringLiteral(",") : toText(args.front());
            QStringList parts;
            for (const Value &item : items)
                parts.append(toText(item));
            return parts.join(separator);
        }
        if (name == QLatin1String("contains") || name == QLatin1String("includes")
            || name == QLatin1String("indexOf")) {
            expectArgs(args, 1, 1, name, line);
            for (std::size_t i = 0; i < items.size(); ++i) {
                if (items[i].equals(args.front()))
                    return name == QLatin1String("indexOf") ? Value(qint64(i)) : Value(true);
            }
            return name == QLatin1String("indexOf") ? Value(qint64(-1)) : Value(false);
        }
        break;
    }
    case Value::Type::String: {
        const QString &text = receiver.asString();
        if (name == QLatin1String("upper"))
            return text.toUpper();
        if (name == QLatin1String("lower"))
            return text.toLower();
        if (name == QLatin1String("trim"))
            return text.trimmed();
        if (name == QLatin1String("contains") || name == QLatin1String("startsWith")
            || name == QLatin1String("endsWith")) {
            expectArgs(args, 1, 1, name, line);
            const QString needle = toText(args.front());
            if (name == QLatin1String("contains"))
                return text.contains(needle);
            return name == QLatin1String("startsWith") ? text.startsWith(needle) : text.endsWith(needle);
        }
        if (name == QLatin1String("split")) {
            expectArgs(args, 1, 1, name, line);
            std::vector<Value> parts;
            for (const QString &part : text.split(toText(args.front())))
                parts.emplace_back(part);
            return std::make_shared<Array>(&m_heap, std::move(parts));
        }
        break;
    }
    default:
        break;
    }
    fail(line, QStringLiteral("%1 has no method '%2'.").arg(receiver.typeName(), name));
}

} // namespace havel::script
