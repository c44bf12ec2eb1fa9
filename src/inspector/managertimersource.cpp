#include "managertimersource.h"

#include "timermanager.h"

namespace havel {

ManagerTimerSource::ManagerTimerSource(TimerManager *manager, QObject *parent)
    : TimerSource(parent), m_manager(manager)
{
}

TimerSnapshot ManagerTimerSource::snapshot() const
{
    return m_manager ? m_manager->snapshot() : TimerSnapshot{};
}

InterpreterActivity ManagerTimerSource::activity() const
{
    return m_probe ? m_probe() : InterpreterActivity{};
}

bool ManagerTimerSource::pauseTimer(TimerId id)
{
    return m_manager && m_manager->pauseTimer(id);
}

bool ManagerTimerSource::resumeTimer(TimerId id)
{
    return m_manager && m_manager->resumeTimer(id);
}

bool ManagerTimerSource::stopTimer(TimerId id)
{
    return m_manager && m_manager->stopTimer(id);
}

int ManagerTimerSource::stopTimers(const QList<TimerId> &ids)
{
    int stopped = 0;
    for (const TimerId id : ids)
        stopped += stopTimer(id);
    return stopped;
}

} // namespace havel
