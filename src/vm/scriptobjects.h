// The heap object kinds behind Value: arrays, objects, upvalues, closures, bound methods,
// native functions and timer handles. Each is a few lines of data with its traverse/clear
// pair, so they share one header rather than seven.
#pragma once

#include "chunk.h"
#include "fiber.h"
#include "heap.h"
#include "value.h"

#include <QtCore/QHash>
#include <QtCore/QStringList>

#include <deque>

#include <functional>
#include <vector>

namespace havel::script {

class Fiber;
class Vm;

//! Thread: the interpreter thread only (this holds for every class in this header).
class Array final : public GcObject
{
public:
    explicit Array(Heap *heap, std::vector<Value> items = {})
        : GcObject(heap), items(std::move(items))
    {
    }
    std::vector<Value> items;

    void traverse(const Visitor &visit) const override
    {
        for (const Value &value : items) {
            if (GcObject *object = value.gcObject())
                visit(object);
        }
    }
    void clearReferences() override { items.clear(); }
};

//! An object with insertion-ordered keys.
class Object final : public GcObject
{
public:
    explicit Object(Heap *heap) : GcObject(heap) { }

    const QStringList &keys() const { return m_keys; }
    const Value *get(const QString &key) const
    {
        const auto it = m_values.constFind(key);
        return it == m_values.cend() ? nullptr : &it.value();
    }
    void set(const QString &key, Value value)
    {
        auto it = m_values.find(key);
        if (it == m_values.end()) {
            m_keys.append(key);
            m_values.insert(key, std::move(value));
        } else {
            it.value() = std::move(value);
        }
    }

    void traverse(const Visitor &visit) const override
    {
        for (const Value &value : m_values) {
            if (GcObject *object = value.gcObject())
                visit(object);
        }
    }
    void clearReferences() override
    {
        m_keys.clear();
        m_values.clear();
    }

private:
    QStringList m_keys;
    QHash<QString, Value> m_values;
};

//! A variable a closure captured. Open while the variable's frame is live (it then names the
//! fiber's stack slot), closed (holding the value itself) once that frame has returned.
class Upvalue final : public GcObject
{
public:
    Upvalue(Heap *heap, Fiber *fiber, std::size_t slot) : GcObject(heap), fiber(fiber), slot(slot) { }
    Fiber *fiber; //!< null once closed
    std::size_t slot;
    Value closed;

    void traverse(const Visitor &visit) const override
    {
        if (GcObject *object = closed.gcObject())
            visit(object);
    }
    void clearReferences() override { closed = Value(); }
};

//! A script function: its compiled code and the variables it captured.
class Closure final : public GcObject
{
public:
    Closure(Heap *heap, std::shared_ptr<const FunctionProto> proto)
        : GcObject(heap), proto(std::move(proto))
    {
    }
    std::shared_ptr<const FunctionProto> proto;
    std::vector<std::shared_ptr<Upvalue>> upvalues;

    void traverse(const Visitor &visit) const override
    {
        for (const auto &upvalue : upvalues) {
            if (upvalue)
                visit(upvalue.get());
        }
    }
    void clearReferences() override { upvalues.clear(); }
};

//! `h.stop` or `xs.push` taken as a value without calling it.
class BoundMethod final : public GcObject
{
public:
    BoundMethod(Heap *heap, Value receiver, QString name)
        : GcObject(heap), receiver(std::move(receiver)), name(std::move(name))
    {
    }
    Value receiver;
    QString name;

    void traverse(const Visitor &visit) const override
    {
        if (GcObject *object = receiver.gcObject())
            visit(object);
    }
    void clearReferences() override { receiver = Value(); }
};

//! A built-in function. It may carry members of its own (interval.stop, timeout.cancel), which
//! are always other built-ins, so it holds nothing the collector must see.
class NativeFunction
{
public:
    using Function = std::function<Value(Vm &, std::vector<Value> &args, int line)>;
    NativeFunction(QString name, Function function)
        : name(std::move(name)), function(std::move(function))
    {
    }
    QString name;
    Function function;
    QHash<QString, std::shared_ptr<NativeFunction>> members;
    //! Built-ins the VM itself carries out, because they call script code: atomic(fn) runs
    //! fn in a frame of the calling fiber that no other fiber may preempt.
    enum class Intrinsic { None, Atomic };
    Intrinsic intrinsic = Intrinsic::None;
};

//! A fiber waiting on something, and the token its wake-up must present.
struct Waiting
{
    std::weak_ptr<Fiber> fiber;
    quint64 token = 0;
};

//! What `go f()` and calling a generator give: a task running on a fiber of its own, or a
//! coroutine that runs only when resumed (`<- c`, `c()`, `await c`).
class Task final : public GcObject
{
public:
    enum class Kind { Go, Coroutine };
    Task(Heap *heap, Kind kind, std::shared_ptr<Fiber> fiber)
        : GcObject(heap), kind(kind), fiber(std::move(fiber))
    {
    }
    const Kind kind;
    std::shared_ptr<Fiber> fiber; //!< null once it ended
    bool done = false;
    Value result;                 //!< what it returned (a task), or its last value
    std::vector<Waiting> waiters; //!< fibers in `await task`
    Waiting resumer;              //!< a coroutine: the fiber that resumed it

    void traverse(const Visitor &visit) const override
    {
        if (GcObject *object = result.gcObject())
            visit(object);
    }
    void clearReferences() override { result = Value(); }
};

//! `channel()` / `channel(n)`: a queue between tasks. Unbuffered (capacity 0), a send waits
//! for a receiver; buffered, it waits only while the buffer is full.
class Channel final : public GcObject
{
public:
    Channel(Heap *heap, std::size_t capacity) : GcObject(heap), capacity(capacity) { }
    const std::size_t capacity;
    bool closed = false;
    std::deque<Value> buffer;
    struct Sender
    {
        Waiting waiting;
        Value value;
    };
    std::deque<Sender> senders;     //!< parked in a send, with what they send
    std::deque<Waiting> receivers;  //!< parked in a receive

    void traverse(const Visitor &visit) const override
    {
        for (const Value &value : buffer) {
            if (GcObject *object = value.gcObject())
                visit(object);
        }
        for (const Sender &sender : senders) {
            if (GcObject *object = sender.value.gcObject())
                visit(object);
        }
    }
    void clearReferences() override
    {
        buffer.clear();
        senders.clear();
    }
};

//! What `interval 500 { }`, `timeout(...)` and friends return: a timer's id and kind.
struct TimerHandle
{
    quint64 id = 0;
    bool isInterval = false;
    qint64 intervalMs = 0;
};

} // namespace havel::script
