// Heap: the cycle collector for script objects.
//
// Script objects carry an intrusive reference count (heapobject.h), so acyclic garbage, such
// as the closure an interval makes on every tick, is freed at once. Cycles are common too: a
// function declared in a scope is stored in the environment it closes over. For those the
// heap runs a trial-deletion pass in the manner of CPython's collector: for every tracked
// object it subtracts the references held by other tracked objects from its reference count.
// What is left are references from outside the heap (the VM's globals and fiber stacks, C++
// frames, the timer table), so those objects are live, as is everything reachable from them;
// the rest are unreachable cycles, whose references are cleared so that the counts free them.
//
// Two generations, as in CPython: objects start young, and a young collection, run at the
// VM's budget checks after every kYoungLimit new objects, looks at the young ones only (a
// reference from an old object counts as one from outside, so it keeps its target alive).
// Most cyclic garbage dies young (a closure and its environment per timer tick), and a young
// collection's work is bounded by kYoungLimit objects and what they point at: its pause does
// not grow with the live heap. Survivors become old. A full collection runs when the old
// generation has doubled since the last full one, and whenever the heap limit is reached or
// the script calls system.gc(): its pause is proportional to the live objects, and it is rare
// (amortised, like a vector's growth). Heap keeps the pauses: stats().
//
// A pass needs no list of roots, so it may run at any point on the interpreter thread as
// long as every C++ frame holds the objects it uses through a counted reference (a Value or a
// Ref). Only the kinds that can hold other values are tracked (GcObject); strings, built-ins
// and timer handles cannot be part of a cycle.
#pragma once

#include <QtCore/QtGlobal>

#include "heapobject.h"

#include <functional>

namespace havel::script {

class Heap;

//! A script object that may take part in a reference cycle.
//! Thread: the interpreter thread only.
class GcObject : public HeapObject
{
public:
    explicit GcObject(Heap *heap);
    ~GcObject() override;

    using Visitor = std::function<void(GcObject *)>;
    //! Calls @p visit once for every counted reference to a GcObject this object holds.
    virtual void traverse(const Visitor &visit) const = 0;
    //! Drops every reference this object holds; called on unreachable cycles only.
    virtual void clearReferences() = 0;

private:
    friend class Heap;
    // First, so that it fills the tail padding of HeapObject's header: 40 bytes in all.
    //! kYoung or kOld between collections; during one: outside references, or kReachable.
    qint32 m_gcRefs = 0;
    Heap *m_heap;
    GcObject *m_prev = nullptr;
    GcObject *m_next = nullptr;
};

//! Tracks every GcObject and collects unreachable cycles. Thread: the interpreter thread.
class Heap
{
public:
    Heap() = default;
    ~Heap();
    Heap(const Heap &) = delete;
    Heap &operator=(const Heap &) = delete;

    //! What the collector did so far, for system.gcStats() and the benchmarks.
    struct Stats
    {
        qint64 youngCollections = 0;
        qint64 fullCollections = 0;
        qint64 freed = 0;         //!< objects freed by collections (not by their counts)
        qint64 lastPauseNs = 0;
        qint64 maxYoungPauseNs = 0;
        qint64 maxFullPauseNs = 0;
    };

    //! Number of live tracked objects.
    qint64 objectCount() const { return m_youngCount + m_oldCount; }
    const Stats &stats() const { return m_stats; }
    //! True once enough objects were made since the last collection to make one worthwhile.
    bool collectionDue() const
    {
        return m_youngCount >= kYoungLimit || m_oldCount >= m_fullThreshold;
    }
    //! Runs the collection that is due, if any: a young one, or a full one when the old
    //! generation has doubled. Returns how many objects it freed.
    qint64 collectDue();
    //! A full collection: frees every unreachable cycle; returns how many objects it freed.
    qint64 collect();
    //! Clears the references of every tracked object, so that all of them are freed once the
    //! last outside reference goes. For teardown only: the objects become empty.
    void clearAll();

private:
    friend class GcObject;
    void link(GcObject *object);
    void unlink(GcObject *object);

    qint64 collectGeneration(bool full);

    // The young objects come first in the list (new ones are linked at its head), then the
    // old ones, from m_firstOld on.
    GcObject *m_first = nullptr;
    GcObject *m_firstOld = nullptr;
    qint64 m_youngCount = 0;
    qint64 m_oldCount = 0;
    qint64 m_fullThreshold = kMinFullThreshold;
    Stats m_stats;
    static constexpr qint64 kYoungLimit = 10000;
    static constexpr qint64 kMinFullThreshold = 20000;
};

} // namespace havel::script
