#include "timerschedule_p.h"

namespace havel {

TimerSchedule::TimerSchedule(int maxArmed)
    : m_maxArmed(qMax(1, maxArmed)), m_boundary(m_queue.end())
{
}

void TimerSchedule::setArmed(Entry &entry, TimerId id, bool armed)
{
    entry.armed = armed;
    m_changes.push_back(id);
}

void TimerSchedule::insert(TimerId id, qint64 dueNs, qint64 periodNs)
{
    remove(id);
    if (m_armedCount < m_maxArmed) {
        // Room left: every entry is armed and m_boundary stays end().
        m_queue.emplace(dueNs, id);
        Entry &entry = m_entries[id];
        entry = Entry{dueNs, periodNs, false};
        setArmed(entry, id, true);
        ++m_armedCount;
        return;
    }
    // The armed set is full. A key that sorts before the last armed one takes its place;
    // that one becomes the first unarmed entry.
    const Queue::iterator lastArmed = std::prev(m_boundary);
    const Key key{dueNs, id};
    const Queue::iterator it = m_queue.insert(key).first;
    Entry &entry = m_entries[id];
    entry = Entry{dueNs, periodNs, false};
    if (key < *lastArmed) {
        setArmed(entry, id, true);
        setArmed(m_entries[lastArmed->second], lastArmed->second, false);
        m_boundary = lastArmed;
    } else if (m_boundary == m_queue.end() || key < *m_boundary) {
        m_boundary = it;
    }
}

bool TimerSchedule::remove(TimerId id)
{
    const auto entryIt = m_entries.find(id);
    if (entryIt == m_entries.end())
        return false;
    const auto it = m_queue.find(Key{entryIt->second.dueNs, id});
    Q_ASSERT(it != m_queue.end());

    if (entryIt->second.armed) {
        m_changes.push_back(id);
        if (m_boundary != m_queue.end()) {
            // The first unarmed entry moves up into the armed set.
            setArmed(m_entries[m_boundary->second], m_boundary->second, true);
            m_boundary = std::next(m_boundary);
        } else {
            --m_armedCount;
        }
    } else if (it == m_boundary) {
        m_boundary = std::next(m_boundary);
    }
    m_queue.erase(it);
    m_entries.erase(entryIt);
    return true;
}

void TimerSchedule::clear()
{
    for (const auto &[id, entry] : m_entries) {
        if (entry.armed)
            m_changes.push_back(id);
    }
    m_entries.clear();
    m_queue.clear();
    m_boundary = m_queue.end();
    m_armedCount = 0;
}

bool TimerSchedule::popDue(qint64 nowNs, TimerId *id, Entry *entry)
{
    if (m_queue.empty() || m_queue.begin()->first > nowNs)
        return false;
    *id = m_queue.begin()->second;
    *entry = m_entries[*id];
    remove(*id);
    return true;
}

const TimerSchedule::Entry *TimerSchedule::find(TimerId id) const
{
    const auto it = m_entries.find(id);
    return it == m_entries.end() ? nullptr : &it->second;
}

std::vector<TimerId> TimerSchedule::takeChanges()
{
    std::vector<TimerId> changes;
    changes.swap(m_changes);
    return changes;
}

} // namespace havel
