#include "heap.h"

#include "ref.h"
#include "scriptlogging.h"

#include <QtCore/QElapsedTimer>

#include <limits>
#include <utility>
#include <vector>

namespace havel::script {

namespace {
// m_gcRefs between collections. kYoung is 0, what a new object starts with.
constexpr qint32 kYoung = 0;
constexpr qint32 kOld = std::numeric_limits<qint32>::min() + 1;
// m_gcRefs during a collection, once an object is known to be reachable.
constexpr qint32 kReachable = std::numeric_limits<qint32>::min();
}

GcObject::GcObject(Heap *heap) : m_heap(heap)
{
    m_heap->link(this);
}

GcObject::~GcObject()
{
    m_heap->unlink(this);
}

Heap::~Heap()
{
    if (objectCount() != 0)
        qCWarning(lcScript, "Heap::~Heap: %lld script objects still alive", qlonglong(objectCount()));
}

void Heap::link(GcObject *object)
{
    object->m_next = m_first;
    if (m_first)
        m_first->m_prev = object;
    m_first = object;
    ++m_youngCount;
}

void Heap::unlink(GcObject *object)
{
    if (object == m_firstOld)
        m_firstOld = object->m_next;
    if (object->m_prev)
        object->m_prev->m_next = object->m_next;
    else
        m_first = object->m_next;
    if (object->m_next)
        object->m_next->m_prev = object->m_prev;
    if (object->m_gcRefs == kOld)
        --m_oldCount;
    else
        --m_youngCount;
}

qint64 Heap::collectDue()
{
    if (m_oldCount >= m_fullThreshold)
        return collect();
    if (m_youngCount >= kYoungLimit)
        return collectGeneration(false);
    return 0;
}

qint64 Heap::collect()
{
    return collectGeneration(true);
}

qint64 Heap::collectGeneration(bool full)
{
    QElapsedTimer clock;
    clock.start();
    // The objects this pass looks at: the young ones, or all of them.
    GcObject *const end = full ? nullptr : m_firstOld;
    if (full) {
        // Their marks are overwritten below, so unlink() counts any of them it sees as young.
        m_youngCount += std::exchange(m_oldCount, 0);
    }

    // Step 1: references from outside = count - references from the objects looked at. An old
    // object's references are not subtracted in a young pass, so they count as outside ones.
    for (GcObject *o = m_first; o != end; o = o->m_next)
        o->m_gcRefs = qint32(o->refCount());
    const auto inPass = [](const GcObject *object) { return object->m_gcRefs != kOld; };
    for (GcObject *o = m_first; o != end; o = o->m_next) {
        o->traverse([&inPass](GcObject *child) {
            if (inPass(child))
                --child->m_gcRefs;
        });
    }

    // Step 2: everything reachable from an object referenced from outside is live.
    std::vector<GcObject *> work;
    for (GcObject *o = m_first; o != end; o = o->m_next) {
        if (o->m_gcRefs > 0) {
            o->m_gcRefs = kReachable;
            work.push_back(o);
        }
    }
    while (!work.empty()) {
        GcObject *o = work.back();
        work.pop_back();
        o->traverse([&work, &inPass](GcObject *child) {
            if (inPass(child) && child->m_gcRefs != kReachable) {
                child->m_gcRefs = kReachable;
                work.push_back(child);
            }
        });
    }

    // Step 3: hold the rest while their references are cleared, then let them go together.
    std::vector<Ref<GcObject>> garbage;
    for (GcObject *o = m_first; o != end; o = o->m_next) {
        // An object nothing counts yet (or any more) is being built or destroyed.
        if (o->m_gcRefs != kReachable && o->refCount() > 0)
            garbage.emplace_back(o);
    }
    for (const auto &o : garbage)
        o->clearReferences();
    const qint64 freed = qint64(garbage.size());
    garbage.clear();

    // The survivors are old now: every object left in the list.
    for (GcObject *o = m_first; o != m_firstOld && o; o = o->m_next)
        o->m_gcRefs = kOld;
    if (full) {
        for (GcObject *o = m_firstOld; o; o = o->m_next)
            o->m_gcRefs = kOld;
    }
    m_firstOld = m_first;
    m_oldCount += m_youngCount;
    m_youngCount = 0;
    if (full)
        m_fullThreshold = std::max(kMinFullThreshold, m_oldCount * 2);

    const qint64 pause = clock.nsecsElapsed();
    m_stats.lastPauseNs = pause;
    m_stats.freed += freed;
    if (full) {
        ++m_stats.fullCollections;
        m_stats.maxFullPauseNs = std::max(m_stats.maxFullPauseNs, pause);
    } else {
        ++m_stats.youngCollections;
        m_stats.maxYoungPauseNs = std::max(m_stats.maxYoungPauseNs, pause);
    }
    qCDebug(lcScript, "Heap::collect: %s, freed %lld objects, %lld live, %lld us", full ? "full" : "young",
            qlonglong(freed), qlonglong(objectCount()), qlonglong(pause / 1000));
    return freed;
}

void Heap::clearAll()
{
    std::vector<Ref<GcObject>> all;
    for (GcObject *o = m_first; o; o = o->m_next) {
        if (o->refCount() > 0)
            all.emplace_back(o);
    }
    for (const auto &o : all)
        o->clearReferences();
}

} // namespace havel::script
