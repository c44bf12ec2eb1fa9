// ManagerTimerSource: a TimerManager of this process as a TimerSource.
#pragma once

#include "timersource.h"

#include <QtCore/QPointer>

#include <functional>

namespace havel {

class TimerManager;

//! Reads a TimerManager of this process through its any-thread observer interface.
//!
//! Thread: GUI thread (where the model is); the manager lives on its own timer thread. Does not
//! own the manager: once it is destroyed the source reports no timers.
class ManagerTimerSource : public TimerSource
{
    Q_OBJECT

public:
    using ActivityProbe = std::function<InterpreterActivity()>;

    explicit ManagerTimerSource(TimerManager *manager, QObject *parent = nullptr);

    //! Where activity() comes from (the script host's probe); none by default.
    void setActivityProbe(ActivityProbe probe) { m_probe = std::move(probe); }

    TimerSnapshot snapshot() const override;
    InterpreterActivity activity() const override;
    bool pauseTimer(TimerId id) override;
    bool resumeTimer(TimerId id) override;
    bool stopTimer(TimerId id) override;
    int stopTimers(const QList<TimerId> &ids) override;

private:
    QPointer<TimerManager> m_manager;
    ActivityProbe m_probe;
};

} // namespace havel
