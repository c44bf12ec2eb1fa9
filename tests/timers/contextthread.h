// ContextThread: a QThread running an event loop, with a context object that lives on it.
#pragma once

#include <QtCore/QObject>
#include <QtCore/QThread>

#include <condition_variable>
#include <mutex>
#include <utility>

//! The lock behind postTo(): held around the post and taken first by the posted functor.
inline std::mutex &testHandoffLock()
{
    static std::mutex lock;
    return lock;
}

//! Runs @p work on @p receiver's thread through a queued call. Qt orders the call after the
//! post, but inside its uninstrumented library: the lock on both sides lets ThreadSanitizer
//! see the handoff. The functor reads nothing before it has taken the lock.
template<typename Work>
void postTo(QObject *receiver, Work &&work)
{
    std::lock_guard lock(testHandoffLock());
    QMetaObject::invokeMethod(
            receiver,
            [work = std::forward<Work>(work)]() mutable {
                { std::lock_guard fence(testHandoffLock()); }
                work();
            },
            Qt::QueuedConnection);
}

//! The context object is built and destroyed inside run(), on the thread itself, and handed
//! out through a std::mutex, so that ThreadSanitizer sees every handover.
//! Thread: the object is used from the test thread; context() lives on the new thread.
class ContextThread : public QThread
{
public:
    ContextThread() { start(); }
    ~ContextThread() override
    {
        quit();
        wait();
    }

    //! The context object; waits until the thread has built it.
    QObject *context()
    {
        std::unique_lock lock(m_lock);
        m_ready.wait(lock, [this] { return m_context != nullptr; });
        return m_context;
    }

protected:
    void run() override
    {
        QObject context;
        {
            std::lock_guard lock(m_lock);
            m_context = &context;
        }
        m_ready.notify_all();
        exec();
        // The context dies here, on its own thread, as Qt requires.
    }

private:
    std::mutex m_lock;
    std::condition_variable m_ready;
    QObject *m_context = nullptr; // guarded by m_lock
};
