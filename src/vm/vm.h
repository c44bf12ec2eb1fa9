// Vm: the bytecode interpreter, its fibers and their scheduler.
//
// Design (see docs/engine.md). The VM runs compiled FunctionProtos on fibers. Only one fiber
// runs at a time, on the interpreter thread, and a switch happens only between instructions:
// - a fiber runs for a slice: until it ends, parks (sleep, a timer wait) or runs past its
//   time budget, which is checked on backward jumps and calls;
// - a preempted fiber goes to the back of the run queue and the scheduler returns to the
//   thread's event loop, so queued timer deliveries and stop requests are handled, then
//   continues with a queued call to itself;
// - a parked fiber is woken by whoever it waits for (a QTimer for sleep, the host for a
//   timer) and goes back to the run queue.
// Script calls push frames on the fiber, never C++ frames, so there is no native recursion;
// the call depth limit turns runaway recursion into "Stack overflow.".
//
// Globals live in one table indexed at compile time; a slot holds Value::undefined() until
// its first assignment.
#pragma once

#include "chunk.h"
#include "fiber.h"
#include "heap.h"
#include "runtimeerror.h"
#include "scriptobjects.h"
#include "value.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QHash>
#include <QtCore/QStringList>

#include <array>
#include <deque>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

QT_BEGIN_NAMESPACE
class QObject;
QT_END_NAMESPACE

namespace havel::script {

class VmHost;

//! Thread: lives on the interpreter thread and is used only there.
class Vm
{
public:
    //! A method of a built-in type (`xs.push(v)`, `s.upper()`).
    using Method = std::function<Value(Vm &, const Value &receiver, std::vector<Value> &args, int line)>;

    //! @p context is the QObject (on the interpreter thread) that queued calls and timers of
    //! the scheduler are posted to.
    Vm(VmHost &host, QObject *context);
    ~Vm();
    Vm(const Vm &) = delete;
    Vm &operator=(const Vm &) = delete;

    Heap &heap() { return m_heap; }
    VmHost &host() { return m_host; }

    // --- globals (the compiler resolves names to these indexes) ---
    //! The index of global @p name, made (undefined) if new.
    int globalIndex(const QString &name);
    //! Marks @p name as a global the script defines (a built-in, or assigned at top level),
    //! so that assigning it inside a function updates it instead of making a local.
    void declareGlobal(const QString &name) { m_declared[globalIndex(name)] = true; }
    bool isDeclaredGlobal(const QString &name) const;
    void defineGlobal(const QString &name, Value value);
    const QString &globalName(int index) const { return m_globalNames.at(index); }
    int globalCount() const { return int(m_globals.size()); }
    //! The value of global @p name (undefined if it has none).
    Value global(const QString &name) { return m_globals[std::size_t(globalIndex(name))]; }
    //! Sets every global to undefined and drops the script methods (teardown).
    void clearGlobals();

    // --- the runtime library ---
    void setMethods(Value::Type type, QHash<QString, Method> methods);
    //! A method of a built-in type written in Havel (the runtime's prelude: map, filter, sort
    //! with a comparator...): @p function is called with the receiver, then the arguments, on
    //! the calling fiber, so that the callbacks it calls may park, throw or be preempted.
    //! It comes before a built-in method of the same name.
    void setScriptMethod(Value::Type type, const QString &name, Value function);

    // --- fibers ---
    //! A new fiber that will call @p callable with no arguments; not yet scheduled.
    std::shared_ptr<Fiber> spawn(const Value &callable, Fiber::Done onDone, quint64 timerId = 0);
    //! Puts @p fiber on the run queue.
    void schedule(const std::shared_ptr<Fiber> &fiber);
    //! Runs one slice of @p fiber now if no fiber is running (a timer callback starts at once,
    //! as the timer core delivers it), else queues it.
    void runNow(const std::shared_ptr<Fiber> &fiber);
    //! The fiber the VM is executing, or null.
    Fiber *currentFiber() const { return m_current; }
    //! Parks the running fiber once the current built-in returns; returns the token that
    //! wake() must present.
    quint64 parkCurrent(bool blocking = false);
    //! Makes a parked fiber runnable again, if @p token is still its park token.
    void wake(const std::weak_ptr<Fiber> &fiber, quint64 token);
    //! As wake(), and the value the fiber waited for replaces the placeholder its wait left
    //! on its stack. Returns whether the fiber was woken.
    bool wakeWith(const Waiting &waiting, Value value);
    //! The running fiber sleeps @p ms milliseconds; other fibers run meanwhile.
    void sleepCurrent(qint64 ms);
    //! The running fiber as a shared pointer (for wake-ups).
    std::weak_ptr<Fiber> currentFiberRef() const;
    //! Fibers that can still run by themselves: not ended, and not blocked on a channel, a
    //! task or a coroutine.
    std::size_t liveFiberCount() const { return m_fibers.size() - m_blocked; }
    //! Stops scheduling: nothing runs any more (the end of the run).
    void halt();
    //! Ends every fiber, closing their upvalues (teardown).
    void dropAllFibers();
    void setMaxCallDepth(int depth) { m_maxCallDepth = depth; }
    //! Ends the running fiber (as a stop request does) once the VM has run about @p steps
    //! backward jumps and calls in all; 0: no limit. For the fuzzer: every input terminates.
    void setStepLimit(qint64 steps) { m_stepLimit = steps; }
    //! Runs what the run queue holds now, as the scheduler's queued call would; returns
    //! whether fibers are still queued. For hosts without an event loop (the fuzzer).
    bool runQueued();
    //! The most bytes the heap may hold before an allocation by the script raises the
    //! catchable runtime error "OutOfMemory: ..." (0: no limit; the default is 1 GiB).
    void setHeapLimit(qint64 bytes) { m_heapLimit = bytes; }
    qint64 heapLimit() const { return m_heapLimit; }
    //! Raises OutOfMemory if the heap, plus @p extra bytes about to be allocated, would pass
    //! the limit (after a collection). Built-ins call it before large allocations.
    void checkHeap(qint64 extra, int line);
    static constexpr qint64 kDefaultHeapLimit = qint64(1) << 30;

    // --- channels (`ch <- v`, `<- ch`, ch.send/recv/close) ---
    //! Each pushes its result on the running fiber's stack, or parks it (the value arrives
    //! with the wake-up).
    void channelSend(Fiber &fiber, Channel &channel, Value value, int line);
    void channelReceive(Fiber &fiber, Channel &channel);
    void channelClose(Channel &channel);

    // --- helpers for built-ins ---
    //! The source line @p fiber is at (where it parked), or 0.
    static int lineOf(const Fiber &fiber);
    //! Text as print() shows it: strings bare, arrays as [1, 2], objects as {id: 1}.
    QString toText(const Value &value);
    Value getMember(const Value &object, const QString &name, int line);

private:
    void execute(Fiber &fiber);
    //! Runs @p fiber, then the fibers it hands over to directly (a coroutine and its
    //! resumer); true if one was preempted.
    bool runChain(std::shared_ptr<Fiber> fiber);
    void resume(Fiber &fiber, const Ref<Task> &task);
    void await(Fiber &fiber, const Value &value, int line);
    void startTask(Fiber &fiber, std::size_t calleeIndex, bool thread);
    void taskEnded(Fiber &fiber, const RuntimeError *error);
    void coroutineEnded(Fiber &fiber, const RuntimeError *error);
    void unblock(Fiber &fiber);
    Waiting waitingFor(Fiber &fiber);
    void finish(Fiber &fiber, const RuntimeError *error);
    void postRun();
    void runQueue();
    bool budgetExpired(int line);

    //! Calls stack[calleeIndex] with the @p argc values above it; may push a frame.
    void callValue(Fiber &fiber, std::size_t calleeIndex, int argc, int line);
    void invoke(Fiber &fiber, std::size_t receiverIndex, const QString &name, int argc, int line);
    Value callNative(Fiber &fiber, const NativeFunction &native, std::size_t calleeIndex, int argc, int line);
    Ref<Upvalue> captureUpvalue(Fiber &fiber, std::size_t slot);
    void closeUpvalues(Fiber &fiber, std::size_t fromSlot);
    static Value &upvalueRef(Upvalue &upvalue);

    void setMember(const Value &object, const QString &name, const Value &value, int line);
    Value getIndex(const Value &object, const Value &index, int line);
    void setIndex(const Value &object, const Value &index, const Value &value, int line);
    Value incDec(const Value &current, bool increment, int line);
    QString toText(const Value &value, int depth, bool quoteStrings);

    // Declared first so that it is destroyed last: every value below may own heap objects.
    Heap m_heap;
    VmHost &m_host;
    QObject *m_context;

    std::vector<Value> m_globals;
    std::vector<bool> m_declared;
    QStringList m_globalNames;
    QHash<QString, int> m_globalIndex;
    std::array<QHash<QString, Method>, 15> m_methods;
    std::array<QHash<QString, Value>, 15> m_scriptMethods;
    //! Calls the prelude method @p function with the receiver at @p receiverIndex as its first
    //! argument.
    void callScriptMethod(Fiber &fiber, const Value &function, std::size_t receiverIndex, int argc, int line);
    //! The line of the innermost frame that is not the runtime's own script code.
    static int userLine(const Fiber &fiber);

    std::unordered_map<Fiber *, std::shared_ptr<Fiber>> m_fibers; //!< every fiber not yet done
    std::deque<std::shared_ptr<Fiber>> m_runQueue;
    Fiber *m_current = nullptr;
    std::shared_ptr<Fiber> m_switchTo; //!< run next, before the queue (coroutine hand-over)
    std::size_t m_blocked = 0;         //!< fibers in m_fibers with blocked set
    bool m_runPosted = false;
    bool m_halted = false;
    quint64 m_nextParkToken = 1;
    int m_budget = 0;
    QElapsedTimer m_sliceClock;
    int m_maxCallDepth = 1000;
    qint64 m_stepLimit = 0;
    qint64 m_steps = 0;
    qint64 m_heapLimit = kDefaultHeapLimit;
    int m_allocations = 0; //!< allocations since the heap was last measured
    QElapsedTimer m_heapClock;
    std::vector<const GcObject *> m_printing; //!< containers being printed, for cycles
};

} // namespace havel::script
