// Debouncer: the kind of code an embedder writes on top of the timer core, and tests.
// trigger() may be called in bursts (a key held down, a file saved many times); settled()
// is emitted once per burst, when no trigger() came for quietTime().
#pragma once

#include <havel/timermanager.h>

#include <QtCore/QObject>

#include <chrono>

//! Collapses bursts of trigger() into one settled() signal.
//! Thread: lives on, and is used from, one thread with a running event loop (the timer's
//! callback runs there); the TimerManager may be shared with other threads.
class Debouncer : public QObject
{
    Q_OBJECT

public:
    Debouncer(havel::TimerManager *timers, std::chrono::milliseconds quietTime,
              QObject *parent = nullptr);
    ~Debouncer() override;

    //! Restarts the quiet period.
    void trigger();
    std::chrono::milliseconds quietTime() const { return m_quietTime; }

Q_SIGNALS:
    //! @p triggers calls of trigger() were followed by quietTime() of silence.
    void settled(int triggers);

private:
    havel::TimerManager *const m_timers;
    const std::chrono::milliseconds m_quietTime;
    havel::TimerId m_pending = havel::InvalidTimerId;
    int m_triggers = 0;
};
