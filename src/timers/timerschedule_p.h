// TimerSchedule: the timer thread's deadline queue.
//
// Every active timer has one entry, ordered by (deadline, id). Ids grow in creation order, so
// timers with equal deadlines come out in creation order. The maxArmed earliest entries are
// "armed": the manager keeps a QTimer running for each. They sit in a small sorted set; all
// later entries sit in a binary min-heap that records each entry's position, so that any entry
// can be removed without a search. Every key in the armed set is below every key in the heap,
// and the heap is empty unless the armed set is full. Insert, remove and pop cost O(log n),
// with few cache misses even for removals in random order. Ids whose armed state or deadline
// changed are collected, so that the manager can adjust its QTimers once per batch.
#pragma once

#include "idtable_p.h"
#include "timertypes.h"

#include <cstdint>
#include <optional>
#include <set>
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
        std::uint32_t heapIndex = 0; //!< position in the heap while not armed
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

    //! The earliest deadline, if there is any entry.
    std::optional<qint64> earliestDueNs() const;
    //! The entry of @p id, or nullptr.
    const Entry *find(TimerId id) const;
    //! Returns the ids whose armed state or deadline changed since the last call (may repeat).
    std::vector<TimerId> takeChanges();

    std::size_t size() const { return m_entries.size(); }
    int armedCount() const { return int(m_armed.size()); }

private:
    using Key = std::pair<qint64, TimerId>;
    struct HeapItem
    {
        Key key;
        Entry *entry; // stable: IdTable never moves a value
    };

    static Key keyOf(TimerId id, const Entry &entry) { return {entry.dueNs, id}; }
    void arm(TimerId id, Entry &entry);
    void heapPush(TimerId id, Entry &entry);
    //! Removes the heap item at @p index and returns it.
    HeapItem heapTake(std::size_t index);
    void siftUp(std::size_t index);
    void siftDown(std::size_t index);
    void place(std::size_t index, HeapItem item);

    const int m_maxArmed;
    IdTable<Entry> m_entries; // by id: one cache miss per lookup, no node per entry
    std::set<Key> m_armed;        // the earliest entries, at most m_maxArmed
    std::vector<HeapItem> m_heap; // the others, a min-heap on Key
    std::vector<TimerId> m_changes;
};

} // namespace havel
