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
// The pass needs no list of roots, so it may run at any point on the interpreter thread as
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
    qint32 m_gcRefs = 0; //!< during collect(): outside references, or kReachable
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

    //! Number of live tracked objects.
    qint64 objectCount() const { return m_count; }
    //! True once enough objects were made since the last collection to make one worthwhile.
    bool collectionDue() const { return m_count >= m_threshold; }
    //! Frees every unreachable cycle; returns how many objects it freed.
    qint64 collect();
    //! Clears the references of every tracked object, so that all of them are freed once the
    //! last outside reference goes. For teardown only: the objects become empty.
    void clearAll();

private:
    friend class GcObject;
    void link(GcObject *object);
    void unlink(GcObject *object);

    GcObject *m_first = nullptr;
    qint64 m_count = 0;
    qint64 m_threshold = kMinThreshold;
    static constexpr qint64 kMinThreshold = 2000;
};

} // namespace havel::script
