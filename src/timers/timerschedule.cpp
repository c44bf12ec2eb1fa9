#include "timerschedule_p.h"

namespace havel {

TimerSchedule::TimerSchedule(int maxArmed) : m_maxArmed(qMax(1, maxArmed)) { }

void TimerSchedule::arm(TimerId id, Entry &entry)
{
    m_armed.insert(keyOf(id, entry));
    entry.armed = true;
    m_changes.push_back(id);
}

void TimerSchedule::insert(TimerId id, qint64 dueNs, qint64 periodNs)
{
    remove(id);
    Entry &entry = m_entries.emplace(id, Entry{dueNs, periodNs, false, 0});
    if (int(m_armed.size()) < m_maxArmed) {
        arm(id, entry); // the heap is empty: this is among the earliest
        return;
    }
    const Key lastArmed = *m_armed.rbegin();
    if (keyOf(id, entry) < lastArmed) {
        // Takes the place of the latest armed entry, which becomes the heap's earliest.
        arm(id, entry);
        m_armed.erase(lastArmed);
        Entry &demoted = *m_entries.find(lastArmed.second);
        demoted.armed = false;
        m_changes.push_back(lastArmed.second);
        heapPush(lastArmed.second, demoted);
    } else {
        heapPush(id, entry);
    }
}

bool TimerSchedule::remove(TimerId id)
{
    Entry *const found = m_entries.find(id);
    if (!found)
        return false;
    Entry &entry = *found;
    if (entry.armed) {
        m_armed.erase(keyOf(id, entry));
        m_changes.push_back(id);
        if (!m_heap.empty()) {
            // The heap's earliest entry moves up into the armed set.
            const HeapItem next = heapTake(0);
            arm(next.key.second, *next.entry);
        }
    } else {
        heapTake(entry.heapIndex);
    }
    m_entries.erase(id);
    return true;
}

void TimerSchedule::clear()
{
    for (const Key &key : m_armed)
        m_changes.push_back(key.second);
    m_armed.clear();
    m_heap.clear();
    m_entries.clear();
}

bool TimerSchedule::popDue(qint64 nowNs, TimerId *id, Entry *entry)
{
    if (m_armed.empty() || m_armed.begin()->first > nowNs)
        return false;
    *id = m_armed.begin()->second;
    *entry = *m_entries.find(*id);
    remove(*id);
    return true;
}

std::optional<qint64> TimerSchedule::earliestDueNs() const
{
    if (m_armed.empty())
        return std::nullopt;
    return m_armed.begin()->first;
}

const TimerSchedule::Entry *TimerSchedule::find(TimerId id) const
{
    return m_entries.find(id);
}

std::vector<TimerId> TimerSchedule::takeChanges()
{
    std::vector<TimerId> changes;
    changes.swap(m_changes);
    return changes;
}

void TimerSchedule::place(std::size_t index, HeapItem item)
{
    item.entry->heapIndex = std::uint32_t(index);
    m_heap[index] = item;
}

void TimerSchedule::heapPush(TimerId id, Entry &entry)
{
    m_heap.push_back({keyOf(id, entry), &entry});
    entry.heapIndex = std::uint32_t(m_heap.size() - 1);
    siftUp(m_heap.size() - 1);
}

TimerSchedule::HeapItem TimerSchedule::heapTake(std::size_t index)
{
    const HeapItem taken = m_heap[index];
    const HeapItem last = m_heap.back();
    m_heap.pop_back();
    if (index < m_heap.size()) {
        // The last item fills the hole, then moves whichever way restores the order.
        place(index, last);
        siftUp(index);
        siftDown(last.entry->heapIndex);
    }
    return taken;
}

void TimerSchedule::siftUp(std::size_t index)
{
    const HeapItem item = m_heap[index];
    while (index > 0) {
        const std::size_t parent = (index - 1) / 2;
        if (!(item.key < m_heap[parent].key))
            break;
        place(index, m_heap[parent]);
        index = parent;
    }
    place(index, item);
}

void TimerSchedule::siftDown(std::size_t index)
{
    const HeapItem item = m_heap[index];
    const std::size_t size = m_heap.size();
    for (;;) {
        std::size_t child = 2 * index + 1;
        if (child >= size)
            break;
        if (child + 1 < size && m_heap[child + 1].key < m_heap[child].key)
            ++child;
        if (!(m_heap[child].key < item.key))
            break;
        place(index, m_heap[child]);
        index = child;
    }
    place(index, item);
}

} // namespace havel
