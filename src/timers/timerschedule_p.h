// TimerSchedule: the timer thread's deadline queue.
//
// Every active timer has one entry, ordered by (deadline, id). Ids grow in creation order, so
// timers with equal deadlines come out in creation order. Only the first maxArmed entries are
// "armed", meaning the manager keeps a QTimer running for them; the rest wait here until they
// move to the front. Insert, remove and pop cost O(log n) in the number of entries, and keep
// the armed set equal to the maxArmed earliest entries. Ids whose armed state or deadline
// changed are collected, so the manager can adjust its QTimers once per batch.
#pragma once

#include "timertypes.h"

#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

namespace havel {

//! Thread: used only on the timer thread; no locking.
class TimerSchedule
{
public:
    struct Entry
    {
        qint64 dueNs = 0;
        qint64 periodNs = 0; //!< 0 for a timeout
        bool armed = false;
    };

    explicit TimerSchedule(int maxArmed);

    //! Schedules @p id at @p dueNs, replacing its previous entry if it has one.
    void insert(TimerId id, qint64 dueNs, qint64 periodNs);
    //! Unschedules @p id. Returns false if it had no entry.
    bool remove(TimerId id);
    //! Unschedules everything.
    void clear();
    //! Removes and returns the earliest entry if it is due at @p nowNs.
    bool popDue(qint64 nowNs, TimerId *id, Entry *entry);

    //! The entry of @p id, or nullptr.
    const Entry *find(TimerId id) const;
    //! Returns the ids whose armed state or deadline changed since the last call (may repeat).
    std::vector<TimerId> takeChanges();

    std::size_t size() const { return m_entries.size(); }
    int armedCount() const { return m_armedCount; }
    int maxArmed() const { return m_maxArmed; }

private:
    using Key = std::pair<qint64, TimerId>;
    using Queue = std::set<Key>;

    void setArmed(Entry &entry, TimerId id, bool armed);

    const int m_maxArmed;
    std::unordered_map<TimerId, Entry> m_entries;
    Queue m_queue;
    //! The first entry of m_queue that is not armed, or end() when all are.
    Queue::iterator m_boundary;
    int m_armedCount = 0;
    std::vector<TimerId> m_changes;
};

} // namespace havel
