// Value: a Havel value. Scalars and strings are held inline; arrays, objects and functions
// by shared_ptr to heap objects (see heap.h for how cycles among them are freed).
// Not yet the 16-byte value docs/engine.md describes: see its "Status" section.
#pragma once

#include <QtCore/QString>

#include <memory>
#include <variant>

namespace havel::script {

class Array;
class Object;
class Closure;
class BoundMethod;
class NativeFunction;
struct TimerHandle;
class GcObject;
class Task;
class Channel;

//! A script value. Thread: the interpreter thread only, since it may own heap objects.
class Value
{
public:
    enum class Type { Null, Bool, Int, Float, String, Array, Object, Closure, BoundMethod,
                      Native, Handle, Undefined, Task, Channel };

    //! The marker of a variable that was never assigned (a global or an implicit local read
    //! before its first assignment). Never visible to scripts: reading it is an error.
    struct UndefinedTag { };
    static Value undefined() { Value v; v.m_data = UndefinedTag{}; return v; }
    bool isUndefined() const { return type() == Type::Undefined; }

    Value() = default;
    Value(std::nullptr_t) { }
    Value(bool b) : m_data(b) { }
    Value(int i) : m_data(qint64(i)) { }
    Value(qint64 i) : m_data(i) { }
    Value(double d) : m_data(d) { }
    Value(QString s) : m_data(std::move(s)) { }
    Value(const char *s) : m_data(QString::fromUtf8(s)) { }
    Value(std::shared_ptr<Array> a) : m_data(std::move(a)) { }
    Value(std::shared_ptr<Object> o) : m_data(std::move(o)) { }
    Value(std::shared_ptr<Closure> c) : m_data(std::move(c)) { }
    Value(std::shared_ptr<BoundMethod> b) : m_data(std::move(b)) { }
    Value(std::shared_ptr<NativeFunction> n) : m_data(std::move(n)) { }
    Value(std::shared_ptr<const TimerHandle> h) : m_data(std::move(h)) { }
    Value(std::shared_ptr<Task> t) : m_data(std::move(t)) { }
    Value(std::shared_ptr<Channel> c) : m_data(std::move(c)) { }

    Type type() const { return Type(m_data.index()); }
    bool isNull() const { return type() == Type::Null; }
    bool isBool() const { return type() == Type::Bool; }
    bool isInt() const { return type() == Type::Int; }
    bool isFloat() const { return type() == Type::Float; }
    bool isNumber() const { return isInt() || isFloat(); }
    bool isString() const { return type() == Type::String; }
    bool isArray() const { return type() == Type::Array; }
    bool isObject() const { return type() == Type::Object; }
    bool isHandle() const { return type() == Type::Handle; }
    bool isTask() const { return type() == Type::Task; }
    bool isChannel() const { return type() == Type::Channel; }
    const std::shared_ptr<Task> &asTask() const { return std::get<std::shared_ptr<Task>>(m_data); }
    const std::shared_ptr<Channel> &asChannel() const { return std::get<std::shared_ptr<Channel>>(m_data); }
    bool isCallable() const
    {
        return type() == Type::Closure || type() == Type::BoundMethod || type() == Type::Native;
    }

    bool asBool() const { return std::get<bool>(m_data); }
    qint64 asInt() const { return std::get<qint64>(m_data); }
    double asFloat() const { return std::get<double>(m_data); }
    //! An int or a float as a double.
    double asNumber() const { return isInt() ? double(asInt()) : asFloat(); }
    const QString &asString() const { return std::get<QString>(m_data); }
    //! The string itself, for appending in place when nothing else shares it; null if not a string.
    QString *mutableString() { return std::get_if<QString>(&m_data); }
    const std::shared_ptr<Array> &asArray() const { return std::get<std::shared_ptr<Array>>(m_data); }
    const std::shared_ptr<Object> &asObject() const { return std::get<std::shared_ptr<Object>>(m_data); }
    const std::shared_ptr<Closure> &asClosure() const { return std::get<std::shared_ptr<Closure>>(m_data); }
    const std::shared_ptr<BoundMethod> &asBoundMethod() const
    {
        return std::get<std::shared_ptr<BoundMethod>>(m_data);
    }
    const std::shared_ptr<NativeFunction> &asNative() const
    {
        return std::get<std::shared_ptr<NativeFunction>>(m_data);
    }
    const std::shared_ptr<const TimerHandle> &asHandle() const
    {
        return std::get<std::shared_ptr<const TimerHandle>>(m_data);
    }

    //! The heap object this value refers to, if it is one the collector tracks.
    GcObject *gcObject() const;
    //! false for null, false, 0, 0.0 and ""; true otherwise.
    bool isTruthy() const;
    //! The name type() gives scripts: "null", "bool", "int", "float", "string", "array",
    //! "object", "function" or "timer".
    QString typeName() const;
    //! Equality as `==` sees it: numbers by value, strings by content, the rest by identity.
    bool equals(const Value &other) const;

    //! The shortest text that reads back as @p d: 20, 2.5, 0.30000000000000004.
    static QString formatNumber(double d);

private:
    std::variant<std::monostate, bool, qint64, double, QString, std::shared_ptr<Array>,
                 std::shared_ptr<Object>, std::shared_ptr<Closure>, std::shared_ptr<BoundMethod>,
                 std::shared_ptr<NativeFunction>, std::shared_ptr<const TimerHandle>, UndefinedTag,
                 std::shared_ptr<Task>, std::shared_ptr<Channel>>
            m_data;
};

} // namespace havel::script
