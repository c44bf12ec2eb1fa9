#include "heap.h"

#include "scriptlogging.h"

#include "ref.h"

#include <limits>
#include <vector>

namespace havel::script {

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
    if (m_count != 0)
        qCWarning(lcScript, "Heap::~Heap: %lld script objects still alive", qlonglong(m_count));
}

void Heap::link(GcObject *object)
{
    object->m_next = m_first;
    if (m_first)
        m_first->m_prev = object;
    m_first = object;
    ++m_count;
}

void Heap::unlink(GcObject *object)
{
    if (object->m_prev)
        object->m_prev->m_next = object->m_next;
    else
        m_first = object->m_next;
    if (object->m_next)
        object->m_next->m_prev = object->m_prev;
    --m_count;
}

namespace {
// m_gcRefs once an object is known to be reachable.
constexpr qint32 kReachable = std::numeric_limits<qint32>::min();
}

qint64 Heap::collect()
{
    // Step 1: references from outside the heap = use count - references from tracked objects.
    for (GcObject *o = m_first; o; o = o->m_next)
        o->m_gcRefs = qint32(o->refCount());
    for (GcObject *o = m_first; o; o = o->m_next)
        o->traverse([](GcObject *child) { --child->m_gcRefs; });

    // Step 2: everything reachable from an object referenced from outside is live.
    std::vector<GcObject *> work;
    for (GcObject *o = m_first; o; o = o->m_next) {
        if (o->m_gcRefs > 0) {
            o->m_gcRefs = kReachable;
            work.push_back(o);
        }
    }
    while (!work.empty()) {
        GcObject *o = work.back();
        work.pop_back();
        o->traverse([&work](GcObject *child) {
            if (child->m_gcRefs != kReachable) {
                child->m_gcRefs = kReachable;
                work.push_back(child);
            }
        });
    }

    // Step 3: hold the rest while their references are cleared, then let them go together.
    std::vector<Ref<GcObject>> garbage;
    for (GcObject *o = m_first; o; o = o->m_next) {
        // An object nothing counts yet (or any more) is being built or destroyed.
        if (o->m_gcRefs != kReachable && o->refCount() > 0)
            garbage.emplace_back(o);
    }
    for (const auto &o : garbage)
        o->clearReferences();
    const qint64 freed = qint64(garbage.size());
    garbage.clear();

    m_threshold = std::max(kMinThreshold, m_count * 2);
    qCDebug(lcScript, "Heap::collect: freed %lld objects, %lld live", qlonglong(freed),
            qlonglong(m_count));
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
