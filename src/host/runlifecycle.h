// RunLifecycle: when a run may end, and how it ends.
//
// Apart from execution on purpose: the VM runs fibers, the timer bindings run timers, and this
// unit only decides. Keep-alive is the Node.js rule extended to tasks: the run stays while the
// body has not ended, while a fiber is alive (runnable, or parked on something that can still
// happen) or while a referenced, active timer can fire. With exitWhenDone (Havel's own rule)
// the run ends with the body. Finishing is two steps: stop() at once (no timer fires and no
// fiber runs any more), then, from the event loop, teardown and the finished() report, once.
#pragma once

#include <QtCore/QString>

#include <functional>

QT_BEGIN_NAMESPACE
class QObject;
QT_END_NAMESPACE

namespace havel::script {

//! Thread: the interpreter thread only.
class RunLifecycle
{
public:
    struct Hooks
    {
        std::function<bool()> hasWork;    //!< a fiber alive, or a timer that keeps the run alive
        std::function<void()> deadlock;   //!< report that the body waits for ever
        std::function<void()> stop;       //!< stop every timer and every fiber
        std::function<void()> teardown;   //!< free every script value
        std::function<void(int)> finished;//!< report the end with its exit code
    };

    //! Queued calls go to @p context, a QObject on the interpreter thread.
    RunLifecycle(QObject *context, Hooks hooks);

    void setExitWhenDone(bool on) { m_exitWhenDone = on; }
    //! The script body has ended (or never started: a syntax error). Before that, the run ends
    //! only if the body waits for something no task can do (a deadlock, exit code 70).
    void bodyEnded();
    //! Something changed that may let the run end: checked on the next loop iteration, once
    //! however many calls come meanwhile.
    void scheduleCheck();
    //! Ends the run with @p exitCode; the first request wins.
    void requestFinish(int exitCode);
    //! Tears down now, if the run has not finished (the interpreter is being destroyed).
    void teardownNow();

    bool isStopping() const { return m_stopping; }
    bool isFinished() const { return m_finished; }
    bool bodyDone() const { return m_bodyDone; }

private:
    void check();
    void complete();

    QObject *m_context;
    Hooks m_hooks;
    bool m_exitWhenDone = false;
    bool m_bodyDone = false;
    bool m_stopping = false;
    bool m_finished = false;
    bool m_checkQueued = false;
    int m_exitCode = 0;
};

} // namespace havel::script
