// Ref<T>: an owning pointer to a HeapObject through its intrusive reference count; what
// std::shared_ptr was for script objects, at the size of a raw pointer.
#pragma once

#include "heapobject.h"

#include <cstddef>
#include <utility>

namespace havel::script {

//! Thread: the interpreter thread only.
template<class T>
class Ref
{
public:
    Ref() = default;
    Ref(std::nullptr_t) { }
    //! Takes a reference to @p object (which may be null).
    Ref(T *object) : m_p(object)
    {
        if (m_p)
            m_p->retain();
    }
    Ref(const Ref &other) : Ref(other.m_p) { }
    Ref(Ref &&other) noexcept : m_p(std::exchange(other.m_p, nullptr)) { }
    template<class U>
    Ref(const Ref<U> &other) : Ref(other.get()) { }
    template<class U>
    Ref(Ref<U> &&other) noexcept : m_p(other.take()) { }
    ~Ref()
    {
        if (m_p)
            m_p->release();
    }
    Ref &operator=(Ref other) noexcept
    {
        std::swap(m_p, other.m_p);
        return *this;
    }

    T *get() const noexcept { return m_p; }
    T *operator->() const noexcept { return m_p; }
    T &operator*() const noexcept { return *m_p; }
    explicit operator bool() const noexcept { return m_p != nullptr; }
    void reset() { Ref().swap(*this); }
    void swap(Ref &other) noexcept { std::swap(m_p, other.m_p); }
    //! Gives up ownership without releasing: the caller now holds the reference.
    T *take() noexcept { return std::exchange(m_p, nullptr); }

    friend bool operator==(const Ref &a, const Ref &b) { return a.m_p == b.m_p; }
    friend bool operator!=(const Ref &a, const Ref &b) { return a.m_p != b.m_p; }

private:
    T *m_p = nullptr;
};

//! Allocates a T and returns the first reference to it (std::make_shared's counterpart).
template<class T, class... Args>
Ref<T> makeRef(Args &&...args)
{
    return Ref<T>(new T(std::forward<Args>(args)...));
}

} // namespace havel::script
