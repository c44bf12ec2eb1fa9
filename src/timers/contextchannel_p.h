// ContextChannel: the mailbox between the timer module and one context object's thread.
#pragma once

#include "idtable_p.h"
#include "timertypes.h"

#include <QtCore/QMetaObject>

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

QT_BEGIN_NAMESPACE
class QObject;
class QThread;
QT_END_NAMESPACE

namespace havel {

class TimerCore;
struct FiredTimer;

//! Holds one context's callbacks and carries fires to its thread.
//!
//! Thread: the mailbox (fired ids, callbacks handed over from other threads, retired ids) may
//! be filled from any thread under m_lock. Everything else, above all the callbacks, is used
//! only on the context's thread: there they are stored, invoked, moved and destroyed. One
//! QMetaObject::invokeMethod(context, ..., Qt::QueuedConnection) wakes the context per batch.
//!
//! The context's thread is read live, so a context moved to another thread (QObject::
//! moveToThread) takes its timers with it, as Qt's own timers go with their object: the posted
//! wake-ups move with it, and the callbacks run on the new thread from then on. A move made
//! from inside one of its callbacks is followed once that callback has returned on the old
//! thread, which is the only one touching the callbacks until then.
//!
//! Posts to the context are made only under m_lock, while the destroyed() handler is connected
//! and has not run: that handler takes m_lock before Qt can free the context, so a post never
//! reaches a freed object. The handler is disconnected only on the context's thread.
class ContextChannel : public std::enable_shared_from_this<ContextChannel>
{
public:
    ContextChannel(std::shared_ptr<TimerCore> core, QObject *context);
    ~ContextChannel();

    //! Connects to the context's destroyed() signal. Called once, right after construction.
    void watchContext();

    //! Whether the calling thread is the context's (current) thread.
    bool onContextThread();
    // --- any thread; the caller holds the core's registry lock, which orders these ---

    //! Stores the callback of a new timer: directly on the context thread, else handed over.
    //! Returns false, leaving @p callback alone, once the context or the manager is gone.
    bool addCallback(TimerId id, TimerCallback &&callback);
    //! The timer was stopped: its callback goes, on the context thread.
    void retire(TimerId id);
    //! Many timers were stopped: drop every callback whose timer is no longer registered.
    void retireStale();
    //! Queues fires (timer thread, holding the registry lock shared).
    void pushFired(const FiredTimer *fired, std::size_t count);
    //! The manager is going away: drop everything, on the context thread.
    void close();

    // --- context thread ---

    //! Applies handed-over callbacks and retirements, then runs every queued fire.
    void deliver();
    //! Applies pending handovers and retirements now (used by calls made on the context thread).
    void applyMailbox();
    //! The context is being destroyed: its callbacks go now.
    void onContextDestroyed();

    QObject *context() const { return m_context; }

private:
    struct Slot
    {
        TimerCallback callback;
        bool running = false; //!< its callback is on the stack: never re-enter it
        bool rerun = false;   //!< a fire came while it ran; deliver it once it returns
        qint64 rerunDueNs = 0;
    };

    using HandedOver = std::vector<std::pair<TimerId, TimerCallback>>;

    //! Caller holds m_lock. Posts the wake-up unless one is already on its way.
    void wakeLocked();
    //! Caller holds m_lock.
    bool onContextThreadLocked() const;
    //! Caller holds m_lock. Warns once if the context's thread has no event loop to run
    //! fires in (no QCoreApplication, a QThread not started or finished).
    void warnIfNoEventLoopLocked(TimerId id);
    void runFired(const FiredTimer &fired);
    //! The slot of @p id, taking its callback from m_pending if it is still there; or nullptr.
    Slot *findSlot(TimerId id);
    //! Removes and returns the handed-over callback of @p id, or an empty one (O(log n)).
    TimerCallback takePending(TimerId id);
    //! Moves at most @p budget handed-over callbacks into m_callbacks.
    void migratePending(std::size_t budget);
    //! Drops every callback whose timer is no longer registered.
    void sweepStale();
    //! Drops every callback and everything queued, now if no other thread is inside
    //! deliver(), else when it leaves.
    void purgeOrDefer();
    //! Context thread: drops every callback and everything queued.
    void purge();

    const std::shared_ptr<TimerCore> m_core;
    QObject *const m_context;
    QMetaObject::Connection m_destroyedConnection; // written by watchContext(), then used by purge()

    std::mutex m_lock;
    bool m_alive = true;        // guarded by m_lock; false once the context is destroyed
    bool m_watching = false;    // guarded by m_lock; the destroyed() handler guards posts
    bool m_closed = false;      // guarded by m_lock; true once the manager is destroyed
    bool m_wakePending = false; // guarded by m_lock
    bool m_retireStale = false; // guarded by m_lock
    QThread *m_deliveringThread = nullptr; // guarded by m_lock; the thread inside deliver()
    int m_deliveryDepth = 0;               // guarded by m_lock; nested deliver() calls there
    bool m_wakeWhenLeft = false;           // guarded by m_lock; a deliver() elsewhere waited
    bool m_purgeWhenLeft = false;          // guarded by m_lock
    bool m_warnedNoEventLoop = false; // guarded by m_lock
    std::vector<FiredTimer> m_fired;                              // guarded by m_lock
    std::vector<HandedOver> m_handedOver;                         // guarded by m_lock; chunks
    std::vector<TimerId> m_retired;                               // guarded by m_lock

    // Context thread only.
    IdTable<Slot> m_callbacks; // by id, like the registry

    // Callbacks handed over from other threads, not yet moved into m_callbacks, in chunks of
    // kHandoverBatch: each in id order, chunks in id order too (ids are taken under the
    // registry lock, like the handover). Moving 100k callbacks into the table at once would stall
    // the context thread for milliseconds; one chunk moves per delivery instead, and a fire
    // that needs a callback sooner finds it by binary search. A taken entry is left empty.
    std::deque<HandedOver> m_pending;
    std::size_t m_pendingFront = 0; //!< entries of m_pending.front() already moved or taken
    std::size_t m_pendingCount = 0; //!< entries in m_pending, moved and taken ones included
    // Fires taken from m_fired, run from m_readyIndex on. A member, not a local of deliver():
    // a callback that spins a nested event loop (a script's sleep()) re-enters deliver(), and
    // the fires behind it in the same batch must run there, not wait until it returns.
    std::vector<FiredTimer> m_ready;
    std::size_t m_readyIndex = 0;
    std::uint64_t m_deliveries = 0; //!< deliver() calls so far, nested ones included
};

} // namespace havel
