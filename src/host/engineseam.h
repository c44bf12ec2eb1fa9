#pragma once

#include <value.h>

#include <QtCore/QString>

#include <functional>

QT_BEGIN_NAMESPACE
class QObject;
QT_END_NAMESPACE

namespace havel {
class TimerManager;
}

namespace havel::script {

class Heap;

//! The narrow interface through which the timer bindings reach the engine: run a callback on
//! a fiber of its own (its error reported once, by the engine), park the running fiber until
//! a condition on the timers holds, and say that the timers changed. Implemented by the
//! Interpreter; the bindings never see the VM's internals.
//! Thread: the interpreter thread only.
class EngineSeam
{
public:
    //! Called once when a callback's fiber ends; @p error is empty unless it failed (the
    //! engine has already printed the error with the timer's id and the script line).
    using CallbackDone = std::function<void(const QString &error, const Value &result)>;

    virtual ~EngineSeam() = default;

    //! Runs @p callable on a new fiber for timer @p timerId, at once: it runs until it ends,
    //! parks or is preempted. @p done may be called before this returns.
    virtual void runCallback(quint64 timerId, const Value &callable, CallbackDone done) = 0;
    //! The timer whose callback the running fiber is (0: the body, or no fiber).
    virtual quint64 currentTimerId() const = 0;
    //! Parks the running fiber until @p done holds; re-checked whenever timersChanged(). The
    //! wait then gives @p value() (null without it).
    //! @p error, if given, is asked at the wake-up: a non-empty message is raised in the fiber
    //! instead of giving the value (an awaited timer whose callback failed).
    virtual void parkUntil(std::function<bool()> done, std::function<Value()> value = {},
                           std::function<QString()> error = {}) = 0;
    //! Timers were created, stopped, paused, resumed or ended: re-check waits and keep-alive.
    virtual void timersChanged() = 0;

    virtual Heap &heap() = 0;
    virtual TimerManager &timerManager() = 0;
    //! The QObject on the interpreter thread that timer callbacks are delivered to.
    virtual QObject *timerContext() = 0;
    virtual const QString &scriptName() const = 0;
    virtual const QString &mode() const = 0;
    virtual void setMode(const QString &mode) = 0;
};

} // namespace havel::script
