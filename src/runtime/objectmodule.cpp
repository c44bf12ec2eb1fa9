// The `object` module (Havel's docs/stdlib/object.md), and the same operations as methods of
// objects (`o.has(k)`, `o.keys()`), which a key of the same name shadows.
#include "moduleutil.h"

namespace havel::script::modules {

namespace {

using Builtins::expectArgs;

// Each operation takes the object first; as a method the receiver is that first argument.
using Operation = Value (*)(Vm &, Object &, std::vector<Value> &, const QString &, int);

struct Entry
{
    const char *name;
    std::size_t extra; //!< arguments after the object
    Operation operation;
};

Value keyList(Vm &vm, const Object &object)
{
    std::vector<Value> keys;
    for (const QString &key : object.keys())
        keys.emplace_back(key);
    return makeArray(vm, std::move(keys));
}

enum class SetOp { Union, Intersection, Difference };

Value setOperation(Vm &vm, const Object &a, const Object &b, SetOp op)
{
    auto in = [](const Object &set, const QString &key) {
        const Value *value = set.get(key);
        return value && value->isTruthy();
    };
    auto result = makeRef<Object>(&vm.heap());
    for (const auto &entry : a.entries()) {
        if (!entry.second.isTruthy())
            continue;
        if (op == SetOp::Union || (op == SetOp::Intersection) == in(b, entry.first))
            result->set(entry.first, true);
    }
    if (op == SetOp::Union) {
        for (const auto &entry : b.entries()) {
            if (entry.second.isTruthy())
                result->set(entry.first, true);
        }
    }
    return Value(result);
}

const Entry kEntries[] = {
    {"keys", 0, [](Vm &vm, Object &o, std::vector<Value> &, const QString &, int) { return keyList(vm, o); }},
    {"values", 0, [](Vm &vm, Object &o, std::vector<Value> &, const QString &, int) {
         std::vector<Value> values;
         for (const auto &entry : o.entries())
             values.push_back(entry.second);
         return makeArray(vm, std::move(values));
     }},
    // entries: [[key, value], ...]
    {"entries", 0, [](Vm &vm, Object &o, std::vector<Value> &, const QString &, int) {
         std::vector<Value> pairs;
         for (const auto &entry : o.entries())
             pairs.push_back(makeArray(vm, {Value(entry.first), entry.second}));
         return makeArray(vm, std::move(pairs));
     }},
    {"has", 1, [](Vm &vm, Object &o, std::vector<Value> &args, const QString &, int) {
         return Value(o.get(vm.toText(args[1])) != nullptr);
     }},
    {"get", 1, [](Vm &vm, Object &o, std::vector<Value> &args, const QString &, int) {
         const Value *value = o.get(vm.toText(args[1]));
         return value ? *value : Value();
     }},
    {"set", 2, [](Vm &vm, Object &o, std::vector<Value> &args, const QString &, int) {
         o.set(vm.toText(args[1]), args[2]);
         return args[0];
     }},
    // delete / remove: whether the key was there.
    {"delete", 1, [](Vm &vm, Object &o, std::vector<Value> &args, const QString &, int) {
         return Value(o.remove(vm.toText(args[1])));
     }},
    {"remove", 1, [](Vm &vm, Object &o, std::vector<Value> &args, const QString &, int) {
         return Value(o.remove(vm.toText(args[1])));
     }},
    {"len", 0, [](Vm &, Object &o, std::vector<Value> &, const QString &, int) { return Value(qint64(o.size())); }},
    {"size", 0, [](Vm &, Object &o, std::vector<Value> &, const QString &, int) { return Value(qint64(o.size())); }},
    {"isEmpty", 0, [](Vm &, Object &o, std::vector<Value> &, const QString &, int) { return Value(o.size() == 0); }},
    // find: the position of the key in insertion order, or -1.
    {"find", 1, [](Vm &vm, Object &o, std::vector<Value> &args, const QString &, int) {
         const QString key = vm.toText(args[1]);
         const auto &entries = o.entries();
         for (std::size_t i = 0; i < entries.size(); ++i) {
             if (entries[i].first == key)
                 return Value(qint64(i));
         }
         return Value(qint64(-1));
     }},
    // merge(a, b): a new object with a's entries, then b's (b wins).
    {"merge", 1, [](Vm &vm, Object &o, std::vector<Value> &args, const QString &full, int line) {
         const Object &other = objectArg(args, 1, full, line);
         auto merged = makeRef<Object>(&vm.heap());
         for (const auto &entry : o.entries())
             merged->set(entry.first, entry.second);
         for (const auto &entry : other.entries())
             merged->set(entry.first, entry.second);
         return Value(merged);
     }},
    // Sets (`{1, 2}` is an object whose keys are its items, each true): union keeps a's keys
    // then b's new ones; intersection and difference keep a's order. A key set to false is
    // not in the set.
    {"union", 1, [](Vm &vm, Object &o, std::vector<Value> &args, const QString &full, int line) {
         return setOperation(vm, o, objectArg(args, 1, full, line), SetOp::Union);
     }},
    {"intersection", 1, [](Vm &vm, Object &o, std::vector<Value> &args, const QString &full, int line) {
         return setOperation(vm, o, objectArg(args, 1, full, line), SetOp::Intersection);
     }},
    {"difference", 1, [](Vm &vm, Object &o, std::vector<Value> &args, const QString &full, int line) {
         return setOperation(vm, o, objectArg(args, 1, full, line), SetOp::Difference);
     }},
    {"clone", 0, [](Vm &vm, Object &o, std::vector<Value> &, const QString &, int) {
         auto copy = makeRef<Object>(&vm.heap());
         for (const auto &entry : o.entries())
             copy->set(entry.first, entry.second);
         return Value(copy);
     }},
};

} // namespace

void installObject(Vm &vm)
{
    ModuleBuilder module(vm, QStringLiteral("object"));
    QHash<QString, Vm::Method> methods;
    for (const Entry &entry : kEntries) {
        const QString name = QLatin1String(entry.name);
        const QString full = QStringLiteral("object.") + name;
        const Operation operation = entry.operation;
        const std::size_t extra = entry.extra;
        module.function(name, [full, operation, extra](Vm &vm, std::vector<Value> &args, int line) {
            expectArgs(args, 1 + extra, 1 + extra, full, line);
            Object &object = objectArg(args, 0, full, line);
            return operation(vm, object, args, full, line);
        });
        methods.insert(name, [name, operation, extra](Vm &vm, const Value &receiver, std::vector<Value> &args, int line) {
            expectArgs(args, extra, extra, name, line);
            args.insert(args.begin(), receiver);
            return operation(vm, *receiver.asObject(), args, name, line);
        });
    }
    module.install();
    vm.setMethods(Value::Type::Object, std::move(methods));
    // `struct.get(p, "y")`, `struct.set(p, "y", v)`, `struct.fields(p)`: a struct instance is
    // an object (see the parser's classDeclaration).
    ModuleBuilder structs(vm, QStringLiteral("struct"));
    structs.function(QStringLiteral("get"), [](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 2, 2, QStringLiteral("struct.get"), line);
        const Value *value = objectArg(args, 0, QStringLiteral("struct.get"), line)
                                     .get(stringArg(args, 1, QStringLiteral("struct.get"), line));
        return value ? *value : Value();
    });
    structs.function(QStringLiteral("set"), [](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 3, 3, QStringLiteral("struct.set"), line);
        objectArg(args, 0, QStringLiteral("struct.set"), line).set(stringArg(args, 1, QStringLiteral("struct.set"), line), args[2]);
        return args[2];
    });
    structs.function(QStringLiteral("fields"), [](Vm &vm, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("struct.fields"), line);
        std::vector<Value> keys;
        for (const QString &key : objectArg(args, 0, QStringLiteral("struct.fields"), line).keys())
            keys.emplace_back(key);
        return makeArray(vm, std::move(keys));
    });
    structs.install();
}

} // namespace havel::script::modules
