// Helpers the library modules share: making a built-in, reading typed arguments with clear
// errors, and installing a module both as a global (`math.sqrt(2)`) and for `use math`.
#pragma once

#include "builtins.h"

#include <runtimeerror.h>
#include <scriptobjects.h>
#include <vm.h>

#include <QtCore/QString>

#include <cmath>
#include <memory>
#include <vector>

namespace havel::script::modules {

//! Thread: the interpreter thread (every module function runs there).
inline Ref<NativeFunction> native(const QString &name, NativeFunction::Function function)
{
    return makeRef<NativeFunction>(name, std::move(function));
}

//! A module under construction: an object whose members are built-ins named "module.name".
class ModuleBuilder
{
public:
    ModuleBuilder(Vm &vm, QString name)
        : m_vm(vm), m_name(std::move(name)), m_object(makeRef<Object>(&vm.heap()))
    {
    }
    void function(const QString &name, NativeFunction::Function function)
    {
        m_object->set(name, Value(native(m_name + u'.' + name, std::move(function))));
    }
    void constant(const QString &name, Value value) { m_object->set(name, std::move(value)); }
    const Ref<Object> &object() const { return m_object; }
    //! Defines the module as the global of its name.
    void install() { m_vm.defineGlobal(m_name, Value(m_object)); }

private:
    Vm &m_vm;
    QString m_name;
    Ref<Object> m_object;
};

inline QString argName(const QString &function, std::size_t index)
{
    return QStringLiteral("%1: argument %2").arg(function).arg(index + 1);
}

inline double numberArg(const std::vector<Value> &args, std::size_t i, const QString &function, int line)
{
    if (i >= args.size() || !args[i].isNumber())
        fail(line, QStringLiteral("%1 must be a number, not %2")
                           .arg(argName(function, i), i < args.size() ? args[i].typeName() : QStringLiteral("nothing")));
    return args[i].asNumber();
}

//! An integer argument; a float with an integral value counts (Havel's numbers are doubles).
inline qint64 intArg(const std::vector<Value> &args, std::size_t i, const QString &function, int line)
{
    if (i < args.size() && args[i].isInt())
        return args[i].asInt();
    if (i < args.size() && args[i].isFloat() && std::trunc(args[i].asFloat()) == args[i].asFloat()
        && std::fabs(args[i].asFloat()) < 9.2e18)
        return qint64(args[i].asFloat());
    fail(line, QStringLiteral("%1 must be an integer, not %2")
                       .arg(argName(function, i), i < args.size() ? args[i].typeName() : QStringLiteral("nothing")));
}

inline const QString &stringArg(const std::vector<Value> &args, std::size_t i, const QString &function, int line)
{
    if (i >= args.size() || !args[i].isString())
        fail(line, QStringLiteral("%1 must be a string, not %2")
                           .arg(argName(function, i), i < args.size() ? args[i].typeName() : QStringLiteral("nothing")));
    return args[i].asString();
}

inline Object &objectArg(const std::vector<Value> &args, std::size_t i, const QString &function, int line)
{
    if (i >= args.size() || !args[i].isObject())
        fail(line, QStringLiteral("%1 must be an object, not %2")
                           .arg(argName(function, i), i < args.size() ? args[i].typeName() : QStringLiteral("nothing")));
    return *args[i].asObject();
}

inline Value makeArray(Vm &vm, std::vector<Value> items)
{
    return Value(makeRef<Array>(&vm.heap(), std::move(items)));
}

// One per module, each in its own file (src/runtime/<name>module.cpp).
void installMath(Vm &vm);
void installString(Vm &vm);
void installBit(Vm &vm);
void installObject(Vm &vm);
void installTypes(Vm &vm);
void installProcess(Vm &vm);
void installFmt(Vm &vm);
void installLog(Vm &vm);
void installRegex(Vm &vm);
//! Also adds math.random, math.randint and math.choice to @p math.
void installRandom(Vm &vm, Object &math);
void installPack(Vm &vm);
void installDebug(Vm &vm);
//! Array methods, the `array` module and the built-ins of spread, destructuring and slicing.
void installArray(Vm &vm);
//! push, pop, join, len, has and friends (builtins.cpp), added to @p methods.
void installCoreArrayMethods(QHash<QString, Vm::Method> &methods);
//! fmt.format's `{}` placeholders filled from args[first..].
QString formatString(Vm &vm, const QString &format, const std::vector<Value> &args, std::size_t first,
                     const QString &function, int line);
//! @p sleep is the sleep built-in, also time.sleep.
void installTime(Vm &vm, NativeFunction::Function sleep);

} // namespace havel::script::modules
