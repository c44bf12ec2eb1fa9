// The `random` module and math.random/randint/choice, on one QRandomGenerator: seeded from
// the system at start, so runs differ, and random.seed(n) makes what follows repeatable.
#include "moduleutil.h"

#include <QtCore/QRandomGenerator>

namespace havel::script::modules {

namespace {

using Builtins::expectArgs;

Value randint(QRandomGenerator &generator, std::vector<Value> &args, const QString &function, int line)
{
    expectArgs(args, 2, 2, function, line);
    const qint64 lo = intArg(args, 0, function, line);
    const qint64 hi = intArg(args, 1, function, line);
    if (lo > hi)
        fail(line, QStringLiteral("%1: the lower bound %2 is above the upper bound %3").arg(function).arg(lo).arg(hi));
    // Inclusive on both ends; bounded() takes the exclusive upper end.
    const quint64 span = quint64(hi) - quint64(lo);
    if (span == std::numeric_limits<quint64>::max())
        return Value(qint64(generator.generate64()));
    return Value(qint64(quint64(lo) + generator.bounded(span + 1)));
}

} // namespace

void installRandom(Vm &vm, Object &math)
{
    // Owned by the functions below; the interpreter thread alone uses it.
    auto generator = std::make_shared<QRandomGenerator>(QRandomGenerator::securelySeeded());
    ModuleBuilder random(vm, QStringLiteral("random"));
    NativeFunction::Function real = [generator](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 0, 0, QStringLiteral("random"), line);
        return Value(generator->generateDouble()); // [0, 1)
    };
    NativeFunction::Function integer = [generator](Vm &, std::vector<Value> &args, int line) {
        return randint(*generator, args, QStringLiteral("randint"), line);
    };
    NativeFunction::Function choice = [generator](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("choice"), line);
        if (!args.front().isArray() || args.front().asArray()->items.empty())
            fail(line, QStringLiteral("choice: expected a non-empty array"));
        const auto &items = args.front().asArray()->items;
        return items[std::size_t(generator->bounded(quint64(items.size())))];
    };
    random.function(QStringLiteral("random"), real);
    random.function(QStringLiteral("float"), real);
    random.function(QStringLiteral("randint"), integer);
    random.function(QStringLiteral("int"), integer);
    random.function(QStringLiteral("choice"), choice);
    random.function(QStringLiteral("seed"), [generator](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("random.seed"), line);
        generator->seed(quint32(intArg(args, 0, QStringLiteral("random.seed"), line)));
        return Value();
    });
    random.function(QStringLiteral("shuffle"), [generator](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("random.shuffle"), line);
        if (!args.front().isArray())
            fail(line, QStringLiteral("random.shuffle: expected an array, not %1").arg(args.front().typeName()));
        auto &items = args.front().asArray()->items;
        for (std::size_t i = items.size(); i > 1; --i) // Fisher-Yates, in place
            std::swap(items[i - 1], items[std::size_t(generator->bounded(quint64(i)))]);
        return args.front();
    });
    random.install();
    math.set(QStringLiteral("random"), Value(native(QStringLiteral("math.random"), real)));
    math.set(QStringLiteral("randint"), Value(native(QStringLiteral("math.randint"), integer)));
    math.set(QStringLiteral("choice"), Value(native(QStringLiteral("math.choice"), choice)));
    vm.defineGlobal(QStringLiteral("randint"), Value(native(QStringLiteral("randint"), integer)));
}

} // namespace havel::script::modules
