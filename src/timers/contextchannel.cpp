#include "contextchannel_p.h"

#include "timercore_p.h"
#include "timerslogging.h"

#include <QtCore/QAbstractEventDispatcher>
#include <QtCore/QObject>
#include <QtCore/QThread>

namespace havel {

ContextChannel::ContextChannel(std::shared_ptr<TimerCore> core, QObject *context)
    : m_core(std::move(core)), m_context(context), m_thread(context->thread())
{
}

ContextChannel::~ContextChannel() = default;

void ContextChannel::watchContext()
{
    // Captures a weak pointer: the connection must not keep the channel, and through it the
    // core, alive. The lambda runs on the thread that destroys the context, which may never
    // have seen this channel: the handoff lock makes the construction visible to TSan there.
    std::weak_ptr<ContextChannel> weak = weak_from_this();
    std::lock_guard handoff(handoffLock());
    m_destroyedConnection = QObject::connect(m_context, &QObject::destroyed, [weak] {
        { std::lock_guard fence(handoffLock()); }
        if (const auto self = weak.lock())
            self->onContextDestroyed();
    });
}

bool ContextChannel::onContextThread() const
{
    return QThread::currentThread() == m_thread;
}

void ContextChannel::addCallback(TimerId id, TimerCallback &&callback)
{
    if (onContextThread()) {
        m_callbacks.try_emplace(id, Slot{std::move(callback)});
        return;
    }
    // Another thread made the timer: the callback waits in the mailbox until the context
    // thread takes it over. A fire cannot overtake it, since the timer thread only hears of
    // the timer after this. No wake-up is needed until then.
    std::lock_guard lock(m_lock);
    m_handedOver.emplace_back(id, std::move(callback));
}

void ContextChannel::retire(TimerId id)
{
    std::lock_guard lock(m_lock);
    m_retired.push_back(id);
    // On the context thread the caller applies the mailbox itself, right after.
    if (!onContextThread())
        wakeLocked();
}

void ContextChannel::retireStale()
{
    std::lock_guard lock(m_lock);
    m_retireStale = true;
    if (!onContextThread())
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
    if (m_wakePending || !m_alive)
        return;
    m_wakePending = true;
    // m_lock is held, so the context cannot finish being destroyed during the post: its
    // destroyed() handler waits for m_lock before Qt drops the context's posted events.
    std::lock_guard handoff(handoffLock());
    QMetaObject::invokeMethod(
            m_context,
            [self = shared_from_this()] {
                { std::lock_guard fence(handoffLock()); }
                self->deliver();
            },
            Qt::QueuedConnection);
}

void ContextChannel::applyMailbox()
{
    std::vector<std::pair<TimerId, TimerCallback>> handedOver;
    std::vector<TimerId> retired;
    bool retireStale;
    {
        std::lock_guard lock(m_lock);
        handedOver.swap(m_handedOver);
        retired.swap(m_retired);
        retireStale = std::exchange(m_retireStale, false);
    }
    // In mailbox order: a retirement always follows the handover of the same timer.
    for (auto &[id, callback] : handedOver)
        m_callbacks.try_emplace(id, Slot{std::move(callback)});
    for (const TimerId id : retired)
        m_callbacks.erase(id);
    if (retireStale) {
        for (auto it = m_callbacks.begin(); it != m_callbacks.end();) {
            if (m_core->contains(it->first))
                ++it;
            else
                it = m_callbacks.erase(it);
        }
    }
}

void ContextChannel::deliver()
{
    ++m_deliveries;
    bool closed;
    {
        std::lock_guard lock(m_lock);
        m_wakePending = false;
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
    if (closed) {
        purge();
        return;
    }
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
    }
}

void ContextChannel::runFired(const FiredTimer &fired)
{
    auto it = m_callbacks.find(fired.id);
    if (it == m_callbacks.end())
        return; // stopped on this thread after the fire was queued
    if (it->second.running) {
        // The callback is on the stack below us (it runs a nested event loop). Never run it
        // re-entrantly: remember one pending run, and do it once the outer call returns.
        it->second.rerun = true;
        it->second.rerunDueNs = fired.dueNs;
        return;
    }

    const qint64 startNs = steadyNowNs();
    TimerKind kind = TimerKind::Timeout;
    switch (m_core->beginFire(fired, startNs, &kind)) {
    case FireDecision::Gone:
        m_callbacks.erase(it);
        return;
    case FireDecision::Paused:
        return;
    case FireDecision::Run:
        break;
    }

    // The callback leaves its slot while it runs, so it may stop its own timer (which erases
    // the slot) without destroying the function that is executing.
    TimerCallback callback = std::move(it->second.callback);
    it->second.running = true;
    QString error;
    bool failed = false;
    try {
        callback();
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
    it = m_callbacks.find(fired.id); // the callback may have added or removed timers
    if (it != m_callbacks.end()) {
        it->second.callback = std::move(callback);
        it->second.running = false;
        rerun = std::exchange(it->second.rerun, false);
        rerunDueNs = it->second.rerunDueNs;
    }

    const bool gone = m_core->endFire(fired.id, kind, durationNs, failed ? &error : nullptr);
    if (failed)
        m_core->reportFailure(fired.id, error);
    if (gone) {
        // A slot connected to callbackFailed may have changed the map: look the slot up again.
        if (failed)
            it = m_callbacks.find(fired.id);
        if (it != m_callbacks.end())
            m_callbacks.erase(it);
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

void ContextChannel::purge()
{
    std::vector<std::pair<TimerId, TimerCallback>> handedOver;
    {
        std::lock_guard lock(m_lock);
        handedOver.swap(m_handedOver);
        m_retired.clear();
        m_fired.clear();
    }
    m_ready.clear();
    m_readyIndex = 0;
    m_callbacks.clear();
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
    purge();
}

void ContextChannel::close()
{
    {
        std::lock_guard handoff(handoffLock());
        QObject::disconnect(m_destroyedConnection);
    }
    std::size_t dropped = 0;
    {
        std::lock_guard lock(m_lock);
        if (!m_alive || m_closed)
            return;
        dropped = m_fired.size();
        m_fired.clear();
        // The callbacks must be destroyed on the context thread: from elsewhere, wake it.
        if (!onContextThread())
            wakeLocked();
        m_closed = true;
    }
    if (dropped > 0) {
        qCInfo(lcTimers, "TimerManager destroyed: dropped %zu queued callback(s)", dropped);
    }
    if (onContextThread())
        purge();
}

} // namespace havel
