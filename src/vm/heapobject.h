// HeapObject: the intrusive header every heap-allocated script value starts with.
//
// A Value is 16 bytes: a tag and one 8-byte payload. Strings, arrays, objects, closures,
// built-ins, timer handles, tasks and channels are pointers to a HeapObject. The header is a
// vtable pointer (for the destructor and, in GcObject, the collector's traverse/clear) and a
// reference count: no shared_ptr control block, no weak count, no enable_shared_from_this.
// The count is not atomic: script values live on the interpreter thread only.
#pragma once

#include <QtCore/QtGlobal>

namespace havel::script {

//! Thread: the interpreter thread only, like every script value.
class HeapObject
{
public:
    HeapObject() = default;
    virtual ~HeapObject() = default;
    HeapObject(const HeapObject &) = delete;
    HeapObject &operator=(const HeapObject &) = delete;

    void retain() const noexcept { ++m_refs; }
    //! Drops one reference; frees the object with the last one.
    void release() const noexcept
    {
        if (--m_refs == 0)
            delete this;
    }
    //! References held by Values and Refs.
    quint32 refCount() const noexcept { return m_refs; }

private:
    mutable quint32 m_refs = 0;
};

} // namespace havel::script
