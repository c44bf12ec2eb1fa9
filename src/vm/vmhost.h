#pragma once

#include "value.h"

#include <QtCore/QString>

#include <memory>
#include <vector>

namespace havel::script {

struct TimerHandle;

//! What the VM needs from whoever hosts it: output, timer handles and timer blocks, and
//! whether the run is being stopped. The host (src/host) implements it; the VM never sees
//! the timer module. Thread: called on the interpreter thread only, except as noted.
class VmHost
{
public:
    virtual ~VmHost() = default;

    virtual void print(const QString &text) = 0;
    virtual void printError(const QString &text) = 0;
    //! `exit(code)`: ends the run; the VM then unwinds the running fiber.
    virtual void requestExit(int code) = 0;
    //! True once the run is ending (a stop request from another thread, exit()): the VM stops
    //! the running fiber at its next budget check.
    virtual bool stopRequested() = 0;

    //! `interval EXPR { }` / `timeout EXPR { }`: starts the timer, returns its handle.
    virtual Value createTimerBlock(bool isInterval, const Value &delay, const Value &callable,
                                   int line) = 0;
    //! `@stop` in a timer block whose timer has id @p id.
    virtual void stopTimer(quint64 id) = 0;
    virtual Value handleMember(const Ref<const TimerHandle> &handle,
                               const QString &name, int line) = 0;
    virtual Value callHandleMethod(const Ref<const TimerHandle> &handle,
                                   const QString &name, std::vector<Value> &args, int line) = 0;
    virtual QString describeHandle(const TimerHandle &handle) = 0;
    //! `await` on a timer (a handle or an id): its last callback's result once it has ended.
    //! May park the running fiber (Vm::parkCurrent) and wake it later with the value.
    virtual Value awaitTimer(quint64 id, int line) = 0;
    //! A task ended, or blocked on a channel, a task or a coroutine: the run may be over (or
    //! deadlocked).
    virtual void tasksChanged() = 0;

    // Observers' hooks (ScriptHost::probe(), the inspector's "interpreter busy at line N").
    // Called at slice boundaries and budget checks only, never per instruction: they must stay
    // as cheap as a relaxed atomic store.
    //! A fiber starts an outermost slice (the thread left its event loop to run script code).
    //! Called again for each slice of a busy stretch: the host keeps the first time.
    virtual void busyStarted() {}
    //! An outermost slice ended with no fiber left to run: the thread is idle in its event loop
    //! (every fiber ended or parked on a sleep or a wait).
    virtual void busyEnded() {}
    //! The running fiber is at @p line (at each budget check and slice start).
    virtual void atLine(int line) { Q_UNUSED(line); }
};

} // namespace havel::script
