#include "contextchannel_p.h"

#include "timercore_p.h"
#include "timerslogging.h"
#include "tsanhandoff_p.h"

#include <QtCore/QAbstractEventDispatcher>
#include <QtCore/QObject>
#include <QtCore/QScopeGuard>
#include <QtCore/QThread>

#include <algorithm>

namespace havel {

namespace {

//! Handed-over callbacks are kept in chunks of this many, and one chunk moves into the map per
//! delivery: a few tens of µs of work, and a chunk's memory is freed as it empties, so that no
//! delivery after 100k timers were made on another thread comes near 1 ms.
constexpr std::size_t kHandoverBatch = 512;

} // namespace

ContextChannel::ContextChannel(std::shared_ptr<TimerCore> core, QObject *context)
    : m_core(std::move(core)), m_context(context)
{
}

ContextChannel::~ContextChannel() = default;

void ContextChannel::watchContext()
{
    // Captures a weak pointer: the connection must not keep the channel, and through it the
    // core, alive. The lambda runs on the thread that destroys the context, which may never
    // have seen this channel: the TSan fence makes the construction visible there.
    std::weak_ptr<ContextChannel> weak = weak_from_this();
    std::lock_guard lock(m_lock);
    const TsanHandoffPost handoff;
    m_destroyedConnection = QObject::connect(m_context, &QObject::destroyed, [weak] {
        tsanHandoffReceived();
        if (const auto self = weak.lock())
            self->onContextDestroyed();
    });
    m_watching = true;
}

bool ContextChannel::onContextThreadLocked() const
{
    // Read live, the context may have moved. Safe while m_watching: the context cannot be freed
    // before its destroyed() handler has had m_lock, which the caller holds. While the old
    // thread of a moved context is still inside deliver(), it alone counts as the context's.
    QThread *const thread = QThread::currentThread();
    if (m_deliveryDepth > 0)
        return m_deliveringThread == thread;
    return m_alive && m_watching && m_context->thread() == thread;
}

bool ContextChannel::onContextThread()
{
    std::lock_guard lock(m_lock);
    return onContextThreadLocked();
}

bool ContextChannel::addCallback(TimerId id, TimerCallback &&callback)
{
    std::unique_lock lock(m_lock);
    if (!m_alive || m_closed)
        return false;
    if (onContextThreadLocked()) {
        lock.unlock();
        m_callbacks.emplace(id, Slot{std::move(callback)});
        return true;
    }
    // Another thread made the timer: the callback waits in the mailbox until the context
    // thread takes it over. A fire cannot overtake it, since the timer thread only hears of
    // the timer after this. No wake-up is needed until then.
    if (m_handedOver.empty() || m_handedOver.back().size() == kHandoverBatch) {
        m_handedOver.emplace_back();
        m_handedOver.back().reserve(kHandoverBatch);
    }
    m_handedOver.back().emplace_back(id, std::move(callback));
    return true;
}

void ContextChannel::retire(TimerId id)
{
    std::lock_guard lock(m_lock);
    m_retired.push_back(id);
    // On the context thread the caller applies the mailbox itself, right after.
    if (!onContextThreadLocked())
        wakeLocked();
}

void ContextChannel::retireStale()
{
    std::lock_guard lock(m_lock);
    m_retireStale = true;
    if (!onContextThreadLocked())
        wakeLocked();
}

void ContextChannel::pushFired(const FiredTimer *fired, std::size_t count)
{
    std::lock_guard lock(m_lock);
    if (!m_alive || m_closed)
        return;
    m_fired.insert(m_fired.end(), fired, fired + count);
    wakeLocked();
    if (!m_warnedNoEventLoop && count > 0)
        warnIfNoEventLoopLocked(fired->id);
}

void ContextChannel::warnIfNoEventLoopLocked(TimerId id)
{
    // A thread gets an event dispatcher when a QCoreApplication is made (main thread) or a
    // QThread starts, and loses it when that QThread finishes. Without one, the wake-up just
    // posted waits for ever: say so once, rather than leave the embedder guessing. (The
    // dispatcher pointer is atomic in Qt, so reading it from the timer thread is safe.)
    QThread *const thread = m_context->thread();
    if (!thread || QAbstractEventDispatcher::instance(thread))
        return;
    m_warnedNoEventLoop = true;
    qCWarning(lcTimers).nospace()
            << "TimerManager: timer " << id << " is due, but the thread of its context "
            << m_context << " has no event loop, so its callbacks cannot run. Create a "
            << "QCoreApplication and call exec() (main thread), or start the context's QThread "
            << "(see docs/embedding.md). Warned once per context.";
}

void ContextChannel::wakeLocked()
{
    if (m_wakePending || !m_alive || !m_watching)
        return;
    m_wakePending = true;
    // m_lock is held and the destroyed() handler is connected, so the context cannot finish
    // being destroyed during the post: that handler waits for m_lock before Qt drops the
    // context's posted events and frees it.
    const TsanHandoffPost handoff;
    QMetaObject::invokeMethod(
            m_context,
            [self = shared_from_this()] {
                tsanHandoffReceived();
                self->deliver();
            },
            Qt::QueuedConnection);
}

TimerCallback ContextChannel::takePending(TimerId id)
{
    if (m_pending.empty())
        return {};
    // The last chunk whose first id is not above id.
    auto chunk = std::upper_bound(m_pending.begin(), m_pending.end(), id,
                                  [](TimerId id, const HandedOver &c) { return id < c.front().first; });
    if (chunk == m_pending.begin())
        return {};
    --chunk;
    const auto begin = chunk == m_pending.begin() ? chunk->begin() + qsizetype(m_pendingFront)
                                                  : chunk->begin();
    const auto entry = std::lower_bound(begin, chunk->end(), id,
                                        [](const auto &e, TimerId id) { return e.first < id; });
    if (entry == chunk->end() || entry->first != id)
        return {};
    return std::move(entry->second);
}

void ContextChannel::migratePending(std::size_t budget)
{
    while (budget > 0 && !m_pending.empty()) {
        HandedOver &chunk = m_pending.front();
        for (; m_pendingFront < chunk.size() && budget > 0; ++m_pendingFront, --budget) {
            auto &[id, callback] = chunk[m_pendingFront];
            if (callback) // empty once taken by a fire or a retirement
                m_callbacks.emplace(id, Slot{std::move(callback)});
        }
        if (m_pendingFront < chunk.size())
            return;
        m_pendingCount -= chunk.size();
        m_pending.pop_front();
        m_pendingFront = 0;
    }
}

ContextChannel::Slot *ContextChannel::findSlot(TimerId id)
{
    Slot *slot = m_callbacks.find(id);
    if (slot || m_pending.empty())
        return slot;
    if (TimerCallback callback = takePending(id))
        slot = &m_callbacks.emplace(id, Slot{std::move(callback)});
    return slot;
}

void ContextChannel::sweepStale()
{
    // Erased callbacks are destroyed after the walk: a destructor may create a timer on this
    // context, which would insert into the table under the walk.
    std::vector<TimerCallback> dropped;
    std::vector<TimerId> stale;
    m_callbacks.forEach([this, &stale](TimerId id, const Slot &) {
        if (!m_core->contains(id))
            stale.push_back(id);
    });
    for (const TimerId id : stale) {
        Slot *slot = m_callbacks.find(id);
        dropped.push_back(std::move(slot->callback));
        m_callbacks.erase(id);
    }
    for (std::size_t c = 0; c < m_pending.size(); ++c) {
        for (std::size_t i = c == 0 ? m_pendingFront : 0; i < m_pending[c].size(); ++i) {
            auto &[id, callback] = m_pending[c][i];
            if (callback && !m_core->contains(id))
                dropped.push_back(std::move(callback));
        }
    }
}

void ContextChannel::applyMailbox()
{
    std::vector<HandedOver> handedOver;
    std::vector<TimerId> retired;
    bool retireStale;
    {
        std::lock_guard lock(m_lock);
        handedOver.swap(m_handedOver);
        retired.swap(m_retired);
        retireStale = std::exchange(m_retireStale, false);
    }
    // In mailbox order: a retirement always follows the handover of the same timer.
    if (!handedOver.empty()) {
        for (HandedOver &chunk : handedOver) {
            m_pendingCount += chunk.size();
            m_pending.push_back(std::move(chunk));
        }
    }
    for (const TimerId id : retired) {
        if (Slot *slot = m_callbacks.find(id)) {
            const TimerCallback callback = std::move(slot->callback);
            m_callbacks.erase(id);
        } else {
            takePending(id); // destroyed here, if it was there
        }
    }
    if (retireStale)
        sweepStale();
    migratePending(kHandoverBatch);
}

void ContextChannel::deliver()
{
    QThread *const thread = QThread::currentThread();
    bool closed;
    {
        std::lock_guard lock(m_lock);
        m_wakePending = false;
        if (m_deliveryDepth > 0 && m_deliveringThread != thread) {
            // The context moved here from inside one of its callbacks, which still runs on the
            // old thread with the callbacks in hand. That thread wakes us when it leaves.
            m_wakeWhenLeft = true;
            return;
        }
        m_deliveringThread = thread;
        ++m_deliveryDepth;
        ++m_deliveries;
        if (m_readyIndex == m_ready.size()) {
            // The usual case, no outer deliver() with fires left: take the batch as it is.
            m_ready.clear();
            m_readyIndex = 0;
            m_ready.swap(m_fired);
        } else {
            m_ready.insert(m_ready.end(), m_fired.begin(), m_fired.end());
            m_fired.clear();
        }
        closed = m_closed || !m_alive;
    }
    bool movedAway = false;
    const auto leave = qScopeGuard([this, &movedAway] {
        bool purgeNow = false;
        {
            std::lock_guard lock(m_lock);
            if (--m_deliveryDepth > 0)
                return;
            m_deliveringThread = nullptr;
            purgeNow = std::exchange(m_purgeWhenLeft, false) || m_closed || !m_alive;
            if (!purgeNow && (std::exchange(m_wakeWhenLeft, false) || movedAway
                              || !m_pending.empty())) {
                // Fires left for the new thread, or callbacks still to move in: later, in
                // bounded steps, so that no delivery stalls the context.
                wakeLocked();
            }
        }
        if (purgeNow)
            purge();
    });
    if (closed)
        return; // purged on the way out
    applyMailbox();
    std::uint64_t wakeEnsuredAt = 0; // m_deliveries is at least 1 here
    while (m_readyIndex < m_ready.size()) {
        const FiredTimer fired = m_ready[m_readyIndex++];
        if (m_readyIndex < m_ready.size() && wakeEnsuredAt != m_deliveries) {
            // Fires are still waiting behind this one. Should its callback spin a nested event
            // loop, a wake-up must be there for that loop to run them in. Once per batch, and
            // again after a nested deliver() used it up; if no loop nests, the wake-up takes
            // the next fires the timer thread sends, or finds nothing to do.
            std::lock_guard lock(m_lock);
            wakeLocked();
            wakeEnsuredAt = m_deliveries;
        }
        runFired(fired);
        std::lock_guard lock(m_lock);
        if (m_alive && m_watching && !m_closed && m_context->thread() != thread) {
            // The callback moved the context: what is left of the batch runs on its new thread.
            m_fired.insert(m_fired.begin(), m_ready.begin() + qsizetype(m_readyIndex), m_ready.end());
            m_ready.clear();
            m_readyIndex = 0;
            movedAway = true;
            break;
        }
    }
}

void ContextChannel::runFired(const FiredTimer &fired)
{
    Slot *slot = findSlot(fired.id);
    if (!slot)
        return; // stopped on this thread after the fire was queued
    if (slot->running) {
        // The callback is on the stack below us (it runs a nested event loop). Never run it
        // re-entrantly: remember one pending run, and do it once the outer call returns.
        slot->rerun = true;
        slot->rerunDueNs = fired.dueNs;
        return;
    }

    const qint64 startNs = steadyNowNs();
    TimerKind kind = TimerKind::Timeout;
    switch (m_core->beginFire(fired, startNs, &kind)) {
    case FireDecision::Gone: {
        const TimerCallback callback = std::move(slot->callback);
        m_callbacks.erase(fired.id);
        return;
    }
    case FireDecision::Paused:
        return;
    case FireDecision::Run:
        break;
    }

    // The callback leaves its slot while it runs, so it may stop its own timer (which erases
    // the slot) without destroying the function that is executing.
    TimerCallback callback = std::move(slot->callback);
    slot->running = true;
    QString error;
    bool failed = false;
    bool reported = false;
    try {
        callback();
    } catch (const CallbackError &e) {
        failed = true;
        reported = true;
        error = e.message();
    } catch (const std::exception &e) {
        failed = true;
        error = QString::fromUtf8(e.what());
    } catch (...) {
        failed = true;
        error = QStringLiteral("unknown exception (not derived from std::exception)");
    }
    const qint64 durationNs = steadyNowNs() - startNs;

    bool rerun = false;
    qint64 rerunDueNs = 0;
    slot = m_callbacks.find(fired.id); // the callback may have stopped its own timer
    if (slot) {
        slot->callback = std::move(callback);
        slot->running = false;
        rerun = std::exchange(slot->rerun, false);
        rerunDueNs = slot->rerunDueNs;
    }

    const bool gone = m_core->endFire(fired.id, kind, durationNs, failed ? &error : nullptr);
    if (failed)
        m_core->reportFailure(fired.id, error, reported);
    if (gone) {
        // A slot connected to callbackFailed may have stopped the timer: look it up again.
        if (failed)
            slot = m_callbacks.find(fired.id);
        if (slot) {
            // Out of the table before it is destroyed: its destructor may add a timer.
            const TimerCallback doomed = std::move(slot->callback);
            m_callbacks.erase(fired.id);
        }
        return;
    }
    if (rerun) {
        std::lock_guard lock(m_lock);
        if (m_alive && !m_closed) {
            m_fired.push_back({fired.id, rerunDueNs});
            wakeLocked();
        }
    }
}

void ContextChannel::purgeOrDefer()
{
    {
        std::lock_guard lock(m_lock);
        if (m_deliveryDepth > 0 && m_deliveringThread != QThread::currentThread()) {
            // The thread inside deliver() still has the callbacks in hand: it purges on leaving.
            m_purgeWhenLeft = true;
            return;
        }
    }
    purge();
}

void ContextChannel::purge()
{
    std::vector<HandedOver> handedOver;
    bool disconnect;
    {
        std::lock_guard lock(m_lock);
        handedOver.swap(m_handedOver);
        m_retired.clear();
        m_fired.clear();
        // Disconnected here, on the context's thread (or the thread destroying it), never
        // from another thread: while connected, the handler is what makes posts safe.
        disconnect = std::exchange(m_watching, false);
    }
    if (disconnect) {
        const TsanHandoffPost handoff;
        QObject::disconnect(m_destroyedConnection);
    }
    m_ready.clear();
    m_readyIndex = 0;
    // Moved out first and destroyed last: a callback's destructor may create a timer.
    IdTable<Slot> callbacks;
    callbacks.swap(m_callbacks);
    std::deque<HandedOver> pending;
    pending.swap(m_pending);
    m_pendingFront = 0;
    m_pendingCount = 0;
}

void ContextChannel::onContextDestroyed()
{
    {
        std::lock_guard lock(m_lock);
        if (!m_alive)
            return;
        m_alive = false;
        m_fired.clear();
    }
    m_core->contextDestroyed(this);
    purgeOrDefer();
}

void ContextChannel::close()
{
    std::size_t dropped = 0;
    bool here = false;
    {
        std::lock_guard lock(m_lock);
        if (!m_alive || m_closed)
            return;
        dropped = m_fired.size();
        m_fired.clear();
        // The callbacks must be destroyed on the context thread: from elsewhere, wake it. The
        // destroyed() handler stays connected meanwhile, which is what makes this post safe
        // against a context being destroyed on its own thread right now; should it die before
        // the wake-up runs, the handler purges there instead.
        here = onContextThreadLocked();
        if (!here)
            wakeLocked();
        m_closed = true;
    }
    if (dropped > 0) {
        qCInfo(lcTimers, "TimerManager destroyed: dropped %zu queued callback(s)", dropped);
    }
    if (here)
        purgeOrDefer();
}

} // namespace havel
