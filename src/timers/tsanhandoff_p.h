// TsanHandoff: makes a handoff through Qt's posted events visible to ThreadSanitizer.
//
// Qt orders a posted event after its posting, but inside Debian's uninstrumented libQt6Core,
// where ThreadSanitizer cannot see it, so every object handed to a context thread through a
// post would be reported as a race. In a TSan build, the poster holds one process-wide mutex
// while posting (TsanHandoffPost) and the receiver takes it before touching what it received
// (tsanHandoffReceived()); TSan sees that mutex order the handoff. In every other build both
// are empty and compile to nothing: they exist for the checker, not for correctness.
#pragma once

#if defined(__SANITIZE_THREAD__)
#    define HAVEL_TSAN_BUILD 1
#elif defined(__has_feature)
#    if __has_feature(thread_sanitizer)
#        define HAVEL_TSAN_BUILD 1
#    endif
#endif

#ifdef HAVEL_TSAN_BUILD
#    include <mutex>
#endif

namespace havel {

#ifdef HAVEL_TSAN_BUILD
//! The one lock behind the fences below. Innermost of all the module's locks.
std::mutex &tsanHandoffLock();

//! Held (as a scoped object) around a post or a connect that hands memory to another thread.
class TsanHandoffPost
{
public:
    TsanHandoffPost() : m_guard(tsanHandoffLock()) { }

private:
    std::lock_guard<std::mutex> m_guard;
};

//! Called first by the code a post runs on the receiving thread.
inline void tsanHandoffReceived()
{
    std::lock_guard guard(tsanHandoffLock());
}
#else
class TsanHandoffPost
{
public:
    TsanHandoffPost() { } // user-provided, so that an unused instance draws no warning
};

inline void tsanHandoffReceived() { }
#endif

} // namespace havel
