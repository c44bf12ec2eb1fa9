// The heap object kinds behind Value: arrays, objects, upvalues, closures, bound methods,
// native functions, timer handles, tasks and channels. Each is a few lines of data with its
// traverse/clear pair, so they share one header rather than nine. Each kind a Value can hold
// names its tag as kValueType; Value's accessors for them are defined at the end.
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
    static constexpr Value::Type kValueType = Value::Type::Array;
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

//! An object with insertion-ordered keys. Compact: its entries sit in one vector, searched
//! linearly while there are few (most objects have a handful of keys); past kIndexFrom keys a
//! hash index is added. (A QHash per object cost about 3 KB for {a: 1, b: "x"}.)
class Object final : public GcObject
{
public:
    static constexpr Value::Type kValueType = Value::Type::Object;
    explicit Object(Heap *heap) : GcObject(heap) { }

    //! The keys in insertion order.
    QStringList keys() const
    {
        QStringList keys;
        keys.reserve(qsizetype(m_entries.size()));
        for (const auto &entry : m_entries)
            keys.append(entry.first);
        return keys;
    }
    std::size_t size() const { return m_entries.size(); }
    //! Key and value pairs in insertion order.
    const std::vector<std::pair<QString, Value>> &entries() const { return m_entries; }
    const Value *get(const QString &key) const
    {
        const int i = find(key);
        return i < 0 ? nullptr : &m_entries[std::size_t(i)].second;
    }
    void set(const QString &key, Value value)
    {
        const int i = find(key);
        if (i >= 0) {
            m_entries[std::size_t(i)].second = std::move(value);
            return;
        }
        m_entries.emplace_back(key, std::move(value));
        if (m_index)
            m_index->insert(key, int(m_entries.size() - 1));
        else if (m_entries.size() > kIndexFrom)
            buildIndex();
    }

    //! Removes @p key; returns whether it was there. Keeps the order of the others.
    bool remove(const QString &key)
    {
        const int i = find(key);
        if (i < 0)
            return false;
        m_entries.erase(m_entries.begin() + i);
        if (m_index)
            buildIndex();
        return true;
    }

    void traverse(const Visitor &visit) const override
    {
        for (const auto &entry : m_entries) {
            if (GcObject *object = entry.second.gcObject())
                visit(object);
        }
    }
    void clearReferences() override
    {
        m_entries.clear();
        m_index.reset();
    }

private:
    static constexpr std::size_t kIndexFrom = 8;

    int find(const QString &key) const
    {
        if (m_index) {
            const auto it = m_index->constFind(key);
            return it == m_index->cend() ? -1 : it.value();
        }
        for (std::size_t i = 0; i < m_entries.size(); ++i) {
            if (m_entries[i].first == key)
                return int(i);
        }
        return -1;
    }
    void buildIndex()
    {
        m_index = std::make_unique<QHash<QString, int>>();
        m_index->reserve(qsizetype(m_entries.size() * 2));
        for (std::size_t i = 0; i < m_entries.size(); ++i)
            m_index->insert(m_entries[i].first, int(i));
    }

    std::vector<std::pair<QString, Value>> m_entries;
    std::unique_ptr<QHash<QString, int>> m_index;
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
    static constexpr Value::Type kValueType = Value::Type::Closure;
    Closure(Heap *heap, std::shared_ptr<const FunctionProto> proto)
        : GcObject(heap), proto(std::move(proto))
    {
    }
    std::shared_ptr<const FunctionProto> proto;
    std::vector<Ref<Upvalue>> upvalues;
    //! `f.calls = 0`: a function's own properties, made on the first one set (null until then,
    //! so a closure made per tick pays one pointer for them).
    Ref<Object> properties;

    void traverse(const Visitor &visit) const override
    {
        for (const auto &upvalue : upvalues) {
            if (upvalue)
                visit(upvalue.get());
        }
        if (properties)
            visit(properties.get());
    }
    void clearReferences() override
    {
        upvalues.clear();
        properties = Ref<Object>();
    }
};

//! `h.stop` or `xs.push` taken as a value without calling it.
class BoundMethod final : public GcObject
{
public:
    static constexpr Value::Type kValueType = Value::Type::BoundMethod;
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
class NativeFunction final : public HeapObject
{
public:
    static constexpr Value::Type kValueType = Value::Type::Native;
    using Function = std::function<Value(Vm &, std::vector<Value> &args, int line)>;
    NativeFunction(QString name, Function function)
        : name(std::move(name)), function(std::move(function))
    {
    }
    QString name;
    Function function;
    QHash<QString, Ref<NativeFunction>> members;
    //! Built-ins the VM itself carries out, because they call script code: atomic(fn) runs
    //! fn in a frame of the calling fiber that no other fiber may preempt.
    //! apply(f, args) calls f with the items of args as its arguments (spread in calls).
    enum class Intrinsic { None, Atomic, Apply };
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
    static constexpr Value::Type kValueType = Value::Type::Task;
    enum class Kind { Go, Coroutine };
    Task(Heap *heap, Kind kind, std::shared_ptr<Fiber> fiber)
        : GcObject(heap), kind(kind), fiber(std::move(fiber))
    {
        this->fiber->task = this;
    }
    ~Task() override;
    //! Lets the fiber go (it ended, or the task is garbage), and the fiber's pointer back to
    //! this task with it.
    void dropFiber()
    {
        if (fiber && fiber->task == this)
            fiber->task = nullptr;
        fiber.reset();
    }
    const Kind kind;
    std::shared_ptr<Fiber> fiber; //!< null once it ended
    bool done = false;
    Value result;                 //!< what it returned (a task), or its last value
    std::vector<Waiting> waiters; //!< fibers in `await task`
    Waiting resumer;              //!< a coroutine: the fiber that resumed it
    //! A `thread { }`: its messages (`t <- msg`), read by receive() inside it.
    Ref<Channel> mailbox;

    void traverse(const Visitor &visit) const override;
    void clearReferences() override
    {
        // The fiber too: a suspended coroutine's stack may hold this task (a cycle the
        // collector cannot see into). A running fiber is also held by the VM.
        result = Value();
        mailbox.reset();
        dropFiber();
    }
};

//! `channel()` / `channel(n)`: a queue between tasks. Unbuffered (capacity 0), a send waits
//! for a receiver; buffered, it waits only while the buffer is full.
class Channel final : public GcObject
{
public:
    static constexpr Value::Type kValueType = Value::Type::Channel;
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

inline Task::~Task()
{
    dropFiber();
}

inline void Task::traverse(const Visitor &visit) const
{
    if (GcObject *object = result.gcObject())
        visit(object);
    if (mailbox)
        visit(mailbox.get());
}

//! What `interval 500 { }`, `timeout(...)` and friends return: a timer's id and kind.
struct TimerHandle final : public HeapObject
{
    static constexpr Value::Type kValueType = Value::Type::Handle;
    quint64 id = 0;
    bool isInterval = false;
    qint64 intervalMs = 0;
};

inline Array *Value::asArray() const { return heapAs<Array>(); }
inline Object *Value::asObject() const { return heapAs<Object>(); }
inline Closure *Value::asClosure() const { return heapAs<Closure>(); }
inline BoundMethod *Value::asBoundMethod() const { return heapAs<BoundMethod>(); }
inline NativeFunction *Value::asNative() const { return heapAs<NativeFunction>(); }
inline const TimerHandle *Value::asHandle() const { return heapAs<TimerHandle>(); }
inline Task *Value::asTask() const { return heapAs<Task>(); }
inline Channel *Value::asChannel() const { return heapAs<Channel>(); }

} // namespace havel::script
