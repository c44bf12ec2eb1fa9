// TimerSource: where an inspector model reads timers from and sends its controls to.
//
// The inspector shows the timers of a TimerManager in the same process (ManagerTimerSource)
// or of a `havel --inspect` process it attached to (RemoteTimerSource, src/inspector/remote).
// TimerListModel only talks to this interface, so both go through one diff, one set of roles
// and one set of tests.
#pragma once

#include "timertypes.h"

#include <QtCore/QList>
#include <QtCore/QObject>
#include <QtCore/QString>

namespace havel {

//! What the interpreter thread is doing, as far as an observer can tell cheaply.
struct InterpreterActivity
{
    //! Steady-clock ns at which the interpreter last left its event loop to run script code;
    //! 0 while it waits in its event loop (idle, or inside sleep()).
    qint64 busySinceNs = 0;
    //! Line of the statement it runs now (0: unknown), and the script's file name.
    int line = 0;
    QString scriptName;
};

//! A source of timer snapshots with pause/resume/stop controls.
//!
//! Thread: lives on the GUI thread with the model that uses it; implementations may read
//! from other threads through the timer module's any-thread interface.
class TimerSource : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    //! Every live timer's status, in creation (= id) order.
    virtual TimerSnapshot snapshot() const = 0;
    //! A number that changes whenever a new snapshot would differ in more than the clock's
    //! progress; 0 if the source cannot tell (then every poll reads a snapshot).
    virtual quint64 changeSerial() const { return 0; }
    //! The interpreter's activity; default: nothing known.
    virtual InterpreterActivity activity() const { return {}; }

    virtual bool pauseTimer(TimerId id) = 0;
    virtual bool resumeTimer(TimerId id) = 0;
    virtual bool stopTimer(TimerId id) = 0;
    //! Stops the timers @p ids that are still live; returns how many it asked to stop.
    virtual int stopTimers(const QList<TimerId> &ids) = 0;

Q_SIGNALS:
    //! Something new is available now; a model may refresh before its next poll.
    void changed();
};

} // namespace havel
