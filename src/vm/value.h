// Value: a Havel value in 16 bytes, a one-byte tag and an 8-byte payload (clox's tagged union).
// Null, bool, int64 and double are held inline; strings, arrays, objects, closures, bound
// methods, built-ins, timer handles, tasks and channels are pointers to heap objects with an
// intrusive reference count (heapobject.h). Cycles among the collectable ones are freed by the
// heap's cycle collector (heap.h).
//
// asArray(), asObject() and the other accessors of heap kinds return plain pointers, valid while
// the value (or another reference) holds the object; they are defined in scriptobjects.h, next
// to the kinds they return. Keep a Ref<T> (or a Value) to hold an object across a call that may
// drop the value.
#pragma once

#include "ref.h"
#include "stringobject.h"

#include <QtCore/QString>

#include <cstdint>
#include <type_traits>

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
    enum class Type : std::uint8_t { Null, Bool, Int, Float, String, Array, Object, Closure,
                                     BoundMethod, Native, Handle, Undefined, Task, Channel };

    //! The marker of a variable that was never assigned (a global or an implicit local read
    //! before its first assignment). Never visible to scripts: reading it is an error.
    static Value undefined() { Value v; v.m_type = Type::Undefined; return v; }
    bool isUndefined() const { return m_type == Type::Undefined; }

    Value() noexcept : m_int(0) { }
    Value(std::nullptr_t) noexcept : Value() { }
    Value(bool b) noexcept : m_int(0), m_type(Type::Bool) { m_bool = b; }
    Value(int i) noexcept : m_int(i), m_type(Type::Int) { }
    Value(qint64 i) noexcept : m_int(i), m_type(Type::Int) { }
    Value(double d) noexcept : m_float(d), m_type(Type::Float) { }
    Value(QString s) : m_object(new StringObject(std::move(s))), m_type(Type::String)
    {
        m_object->retain();
    }
    Value(const char *s) : Value(QString::fromUtf8(s)) { }
    //! A heap object of one of the kinds above (each names its tag as kValueType); null
    //! gives the null value.
    template<class T, std::enable_if_t<std::is_base_of_v<HeapObject, T>, int> = 0>
    Value(T *object) noexcept : m_object(heapObject(object)), m_type(object ? T::kValueType : Type::Null)
    {
        if (m_object)
            m_object->retain();
    }
    template<class T>
    Value(const Ref<T> &object) noexcept : Value(object.get()) { }
    template<class T>
    Value(Ref<T> &&object) noexcept : m_object(heapObject(object.take())),
                                      m_type(m_object ? T::kValueType : Type::Null)
    {
    }
    //! Any other pointer would silently become a bool.
    template<class T, std::enable_if_t<!std::is_base_of_v<HeapObject, T>, int> = 0>
    Value(T *) = delete;

    Value(const Value &other) noexcept : m_int(other.m_int), m_type(other.m_type)
    {
        if (isHeap())
            m_object->retain();
    }
    Value(Value &&other) noexcept : m_int(other.m_int), m_type(other.m_type)
    {
        other.m_type = Type::Null;
    }
    Value &operator=(const Value &other) noexcept
    {
        // Read other before letting go of the old value: other may be this value itself, or
        // live inside the object the old value holds.
        if (other.isHeap())
            other.m_object->retain();
        const qint64 bits = other.m_int;
        const Type type = other.m_type;
        const Value old(std::move(*this));
        m_int = bits;
        m_type = type;
        return *this;
    }
    Value &operator=(Value &&other) noexcept
    {
        if (this != &other) {
            const Value old(std::move(*this));
            m_int = other.m_int;
            m_type = std::exchange(other.m_type, Type::Null);
        }
        return *this;
    }
    ~Value()
    {
        if (isHeap())
            m_object->release();
    }

    Type type() const { return m_type; }
    bool isNull() const { return m_type == Type::Null; }
    bool isBool() const { return m_type == Type::Bool; }
    bool isInt() const { return m_type == Type::Int; }
    bool isFloat() const { return m_type == Type::Float; }
    bool isNumber() const { return isInt() || isFloat(); }
    bool isString() const { return m_type == Type::String; }
    bool isArray() const { return m_type == Type::Array; }
    bool isObject() const { return m_type == Type::Object; }
    bool isHandle() const { return m_type == Type::Handle; }
    bool isTask() const { return m_type == Type::Task; }
    bool isChannel() const { return m_type == Type::Channel; }
    bool isCallable() const
    {
        return m_type == Type::Closure || m_type == Type::BoundMethod || m_type == Type::Native;
    }

    bool asBool() const { return m_bool; }
    qint64 asInt() const { return m_int; }
    double asFloat() const { return m_float; }
    //! An int or a float as a double.
    double asNumber() const { return isInt() ? double(asInt()) : asFloat(); }
    const QString &asString() const { return static_cast<const StringObject *>(m_object)->text; }
    //! The string itself, for appending in place; null if not a string. A string another value
    //! shares is copied first (cheaply: QString shares its data until the append).
    QString *mutableString()
    {
        if (!isString())
            return nullptr;
        if (m_object->refCount() > 1)
            *this = Value(QString(asString()));
        return &static_cast<StringObject *>(m_object)->text;
    }
    // Defined in scriptobjects.h, where the kinds are complete.
    inline Array *asArray() const;
    inline Object *asObject() const;
    inline Closure *asClosure() const;
    inline BoundMethod *asBoundMethod() const;
    inline NativeFunction *asNative() const;
    inline const TimerHandle *asHandle() const;
    inline Task *asTask() const;
    inline Channel *asChannel() const;

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
    template<class T>
    static HeapObject *heapObject(T *object)
    {
        return const_cast<HeapObject *>(static_cast<const HeapObject *>(object));
    }
    template<class T>
    T *heapAs() const
    {
        return static_cast<T *>(m_object);
    }
    bool isHeap() const
    {
        constexpr std::uint32_t heapKinds = 1u << int(Type::String) | 1u << int(Type::Array)
                | 1u << int(Type::Object) | 1u << int(Type::Closure) | 1u << int(Type::BoundMethod)
                | 1u << int(Type::Native) | 1u << int(Type::Handle) | 1u << int(Type::Task)
                | 1u << int(Type::Channel);
        return (heapKinds >> int(m_type)) & 1u;
    }

    union {
        bool m_bool;
        qint64 m_int;
        double m_float;
        HeapObject *m_object;
    };
    Type m_type = Type::Null;
};

static_assert(sizeof(Value) <= 16, "a Value is a tag and an 8-byte payload");

} // namespace havel::script
