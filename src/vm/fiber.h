// Fiber: one task of a script: the body, a timer callback, later a `go` task or a coroutine.
//
// A fiber is a VM stack of values, a stack of call frames and a stack of exception handlers.
// A script call pushes a frame here, never a native C++ frame, so a fiber can stop between
// any two instructions (preempted or parked) and be resumed later. Slot 0 of every frame
// holds the callee, which keeps its closure alive while the frame runs.
#pragma once

#include "runtimeerror.h"
#include "value.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace havel::script {

class Closure;
class GcObject;
class Task;
class Upvalue;

//! Thread: the interpreter thread only.
class Fiber
{
public:
    enum class State {
        Runnable, //!< in the scheduler's run queue
        Running,  //!< the VM is executing it
        Parked,   //!< waiting for a sleep, a timer, a channel...
        Done,     //!< ended: returned, failed or was stopped
    };

    struct Frame
    {
        Closure *closure;          //!< owned by the callee value in stack[base]
        const std::uint8_t *ip;
        std::size_t base;          //!< stack index of slot 0
        bool atomic = false;       //!< an atomic(fn) call: no preemption until it returns
    };

    struct Handler
    {
        std::size_t frames;        //!< frame count when the try began
        std::size_t stack;         //!< stack size when the try began
        const std::uint8_t *target;//!< where the catch code starts
    };

    //! Called once when the fiber ends; @p error is null unless it failed.
    using Done = std::function<void(Fiber &fiber, const RuntimeError *error)>;

    Fiber() = default;
    //! Closes the upvalues still open on this stack (a coroutine dropped while suspended),
    //! so that closures that captured them keep their values.
    ~Fiber();
    Fiber(const Fiber &) = delete;
    Fiber &operator=(const Fiber &) = delete;

    std::vector<Value> stack;
    std::vector<Frame> frames;
    std::vector<Handler> handlers;
    std::vector<Ref<Upvalue>> openUpvalues; //!< ascending by slot
    State state = State::Runnable;
    Done onDone;
    quint64 timerId = 0;     //!< the timer whose callback this is; 0 for the body
    quint64 parkToken = 0;   //!< changes on every park, so that a stale wake-up is ignored
    int atomicDepth = 0;     //!< frames of atomic(fn) calls on the stack
    //! Parked on something only another task can end (a channel, a task, a coroutine): it
    //! does not keep the run alive by itself.
    bool blocked = false;
    bool isCoroutine = false;
    //! The Task this fiber runs, for `go` and coroutines; the Task clears it when it lets
    //! the fiber go (it owns the fiber, so this cannot own the Task).
    Task *task = nullptr;
    Value result;                 //!< what its function returned
    //! An error to raise in this fiber when it resumes (a coroutine it resumed failed).
    std::optional<RuntimeError> pendingError;
};

} // namespace havel::script
