#include "debouncer.h"

Debouncer::Debouncer(havel::TimerManager *timers, std::chrono::milliseconds quietTime,
                     QObject *parent)
    : QObject(parent), m_timers(timers), m_quietTime(quietTime)
{
}

Debouncer::~Debouncer()
{
    // A timer whose context is destroyed is dropped by the core; stopping it is still tidier.
    m_timers->stopTimer(m_pending);
}

void Debouncer::trigger()
{
    ++m_triggers;
    // Called on this object's thread, stopTimer() guarantees the old callback never runs,
    // even if its fire is already queued.
    m_timers->stopTimer(m_pending);
    m_pending = m_timers->setTimeout(this, m_quietTime, [this] {
        m_pending = havel::InvalidTimerId;
        Q_EMIT settled(std::exchange(m_triggers, 0));
    });
}
