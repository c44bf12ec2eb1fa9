#include "timercore_p.h"

#include "contextchannel_p.h"
#include "timermanager.h"
#include "timerslogging.h"
#include "tsanhandoff_p.h"

#include <QtCore/QObject>
#include <QtCore/QScopeGuard>
#include <QtCore/QThread>

#include <algorithm>
#include <limits>

namespace havel {

qint64 steadyNowNs()
{
    using namespace std::chrono;
    return duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count();
}

static_assert(sizeof(TimerRecord) <= 128, "a TimerRecord is most of a live timer's memory");

qint64 saturatingAdd(qint64 a, qint64 b)
{
    qint64 sum;
    if (qAddOverflow(a, b, &sum))
        return b > 0 ? std::numeric_limits<qint64>::max() : std::numeric_limits<qint64>::min();
    return sum;
}

#ifdef HAVEL_TSAN_BUILD
std::mutex &tsanHandoffLock()
{
    // constexpr-constructed: no thread ever writes it before locking it.
    static std::mutex lock;
    return lock;
}
#endif

namespace {

// Single writer (the context thread of the timer), many readers: a load and a store suffice.
void storeMax(std::atomic<qint64> &max, qint64 value)
{
    if (value > max.load(std::memory_order_relaxed))
        max.store(value, std::memory_order_relaxed);
}

} // namespace

TimerCore::TimerCore(TimerManager *manager) : m_manager(manager) { }

TimerCore::~TimerCore() = default;

std::shared_ptr<ContextChannel> TimerCore::channelFor(QObject *context)
{
    std::lock_guard lock(m_channelsLock);
    if (isShutDown())
        return nullptr;
    std::shared_ptr<ContextChannel> &channel = m_channels[context];
    if (!channel) {
        channel = std::make_shared<ContextChannel>(shared_from_this(), context);
        channel->watchContext();
    }
    return channel;
}

bool TimerCore::pushRequest(const TimerRequest &request)
{
    std::lock_guard lock(m_requestLock);
    m_requests.push_back(request);
    // A Disarm need not wake the timer thread: a stopped or paused timer that comes due there
    // is skipped by dispatchDue(), which reads the registry. It rides with the next wake-up,
    // or wakes the thread itself once kLazyRequestLimit requests wait, which bounds the memory
    // the schedule keeps for stopped timers. Cancelling 100k timers then costs a few dozen
    // wake-ups of the timer thread instead of about 14,000 (each a post and a context switch).
    if (request.type == TimerRequest::Disarm && m_requests.size() < kLazyRequestLimit)
        return false;
    return !std::exchange(m_wakePending, true);
}

void TimerCore::wakeManager()
{
    std::lock_guard lock(m_managerLock);
    if (!m_manager)
        return; // detached: requestShutdown() sees that no wake-up was posted, and sends one
    {
        // Marked before the post: the timer thread clears it when it takes the requests, so
        // it is never left set without a wake-up on its way.
        std::lock_guard requestLock(m_requestLock);
        m_wakePosted = true;
    }
    m_manager->wakeTimerThread();
}

TimerId TimerCore::add(QObject *context, TimerKind kind, qint64 dueNs, qint64 periodNs,
                       TimerCallback &&callback, const TimerOptions &options)
{
    TimerId id;
    bool wake;
    {
        std::unique_lock lock(m_registryLock);
        if (isShutDown())
            return InvalidTimerId;
        // The channel of the last context used, cached under this lock: most callers make all
        // their timers for one context, and channelFor() costs a lock and a hash lookup.
        if (m_lastContext != context) {
            lock.unlock(); // channelFor() may connect to the context, which takes Qt's locks
            std::shared_ptr<ContextChannel> channel = channelFor(context);
            if (!channel)
                return InvalidTimerId;
            lock.lock();
            if (isShutDown())
                return InvalidTimerId;
            m_lastContext = context;
            m_lastChannel = std::move(channel);
        }
        ContextChannel *const channel = m_lastChannel.get();
        // Taken under the lock, so ids follow registry order: a sweep after cleanupAll can
        // trust that a callback whose id is not registered belongs to a stopped timer.
        id = m_nextId.load(std::memory_order_relaxed);
        // Refused under the lock if the context is gone: contextDestroyed() has then stopped
        // its timers already (it takes this lock too), and a timer added to its channel now
        // would never fire nor leave the registry.
        if (!channel->addCallback(id, std::move(callback))) {
            // Not cached any longer: its context died after channelFor() found the channel,
            // and a new object at the same address must get a channel of its own.
            m_lastContext = nullptr;
            m_lastChannel.reset();
            qCWarning(lcTimers, "TimerManager: the context was destroyed while the timer was "
                                "being created; refused");
            return InvalidTimerId;
        }
        m_nextId.store(id + 1, std::memory_order_relaxed);
        m_records.emplace(id, kind, periodNs, dueNs, channel, options);
        wake = pushRequest({TimerRequest::Arm, id, dueNs,
                            kind == TimerKind::Interval ? periodNs : 0});
        bumpVersion();
    }
    if (wake)
        wakeManager();
    return id;
}

bool TimerCore::stop(TimerId id)
{
    std::shared_ptr<ContextChannel> channel;
    bool wake;
    {
        std::unique_lock lock(m_registryLock);
        const TimerRecord *record = m_records.find(id);
        if (!record)
            return false;
        channel = record->channel->shared_from_this();
        m_records.erase(id);
        wake = pushRequest({TimerRequest::Disarm, id});
        channel->retire(id);
        bumpVersion();
    }
    if (wake)
        wakeManager();
    // On the context thread the callback goes at once: clear means never, and the memory
    // a callback holds (a script closure, say) is freed as soon as the timer is stopped.
    if (channel->onContextThread())
        channel->applyMailbox();
    return true;
}

bool TimerCore::pause(TimerId id, PauseReason reason)
{
    bool wake = false;
    {
        std::unique_lock lock(m_registryLock);
        TimerRecord *const found = m_records.find(id);
        if (!found)
            return false;
        TimerRecord &record = *found;
        const PauseReasons before = record.pauseReasons;
        record.pauseReasons |= reason;
        if (before != 0) { // paused already: only the reasons change
            if (record.pauseReasons != before)
                bumpVersion();
            return true;
        }
        record.pausedRemainingNs =
                std::max<qint64>(0, record.dueNs.load(std::memory_order_relaxed) - steadyNowNs());
        record.state.store(TimerState::Paused, std::memory_order_relaxed);
        wake = pushRequest({TimerRequest::Disarm, id});
        bumpVersion();
    }
    if (wake)
        wakeManager();
    return true;
}

bool TimerCore::resume(TimerId id, PauseReason reason)
{
    bool wake = false;
    {
        std::unique_lock lock(m_registryLock);
        TimerRecord *const found = m_records.find(id);
        if (!found)
            return false;
        TimerRecord &record = *found;
        const PauseReasons before = record.pauseReasons;
        record.pauseReasons &= PauseReasons(~reason);
        if (before == 0)
            return true; // active already
        if (record.pauseReasons != 0) { // another reason still holds
            if (record.pauseReasons != before)
                bumpVersion();
            return true;
        }
        const qint64 dueNs = saturatingAdd(steadyNowNs(), record.pausedRemainingNs);
        record.dueNs.store(dueNs, std::memory_order_relaxed);
        record.state.store(TimerState::Active, std::memory_order_relaxed);
        wake = pushRequest({TimerRequest::Arm, id, dueNs,
                            record.kind == TimerKind::Interval ? record.periodNs : 0});
        bumpVersion();
    }
    if (wake)
        wakeManager();
    return true;
}

int TimerCore::stopAll()
{
    std::vector<std::shared_ptr<ContextChannel>> channels;
    qsizetype stopped;
    bool wake;
    {
        std::unique_lock lock(m_registryLock);
        stopped = qsizetype(m_records.size());
        if (stopped == 0)
            return 0;
        m_records.forEach([&channels](TimerId, const TimerRecord &record) {
            ContextChannel *channel = record.channel;
            if (std::none_of(channels.begin(), channels.end(),
                             [channel](const auto &c) { return c.get() == channel; })) {
                channels.push_back(channel->shared_from_this());
            }
        });
        m_records.clear();
        wake = pushRequest({TimerRequest::DisarmAll});
        for (const auto &channel : channels)
            channel->retireStale();
        bumpVersion();
    }
    if (wake)
        wakeManager();
    for (const auto &channel : channels) {
        if (channel->onContextThread())
            channel->applyMailbox();
    }
    return int(std::min<qsizetype>(stopped, std::numeric_limits<int>::max()));
}

TimerStatus TimerCore::statusOf(TimerId id, const TimerRecord &record, qint64 nowNs) const
{
    using namespace std::chrono;
    TimerStatus status;
    status.id = id;
    status.kind = record.kind;
    status.state = record.state.load(std::memory_order_relaxed);
    status.pauseReasons = record.pauseReasons;
    status.interval = duration_cast<milliseconds>(nanoseconds(record.periodNs));
    const qint64 dueNs = record.dueNs.load(std::memory_order_relaxed);
    const qint64 remainingNs = status.state == TimerState::Paused
            ? record.pausedRemainingNs
            : std::max<qint64>(0, dueNs - nowNs);
    status.remaining = nanoseconds(remainingNs);
    status.nextDue = steady_clock::time_point(
            nanoseconds(status.state == TimerState::Paused ? saturatingAdd(nowNs, remainingNs)
                                                           : dueNs));
    status.fireCount = record.fireCount.load(std::memory_order_relaxed);
    status.skippedTicks = record.skippedTicks.load(std::memory_order_relaxed);
    status.errorCount = record.errorCount.load(std::memory_order_relaxed);
    if (record.rare) {
        status.lastError = record.rare->lastError;
        status.mode = record.rare->mode;
    }
    status.lastLateness = nanoseconds(record.lastLatenessNs.load(std::memory_order_relaxed));
    status.maxLateness = nanoseconds(record.maxLatenessNs.load(std::memory_order_relaxed));
    status.lastCallbackDuration = nanoseconds(record.lastCallbackNs.load(std::memory_order_relaxed));
    status.maxCallbackDuration = nanoseconds(record.maxCallbackNs.load(std::memory_order_relaxed));
    status.label = record.label;
    return status;
}

std::optional<TimerStatus> TimerCore::status(TimerId id) const
{
    std::shared_lock lock(m_registryLock);
    const TimerRecord *record = m_records.find(id);
    if (!record)
        return std::nullopt;
    return statusOf(id, *record, steadyNowNs());
}

QList<TimerId> TimerCore::ids() const
{
    QList<TimerId> ids;
    std::shared_lock lock(m_registryLock);
    ids.reserve(qsizetype(m_records.size()));
    m_records.forEach([&ids](TimerId id, const TimerRecord &) { ids.append(id); });
    return ids;
}

qsizetype TimerCore::count() const
{
    std::shared_lock lock(m_registryLock);
    return qsizetype(m_records.size());
}

bool TimerCore::contains(TimerId id) const
{
    std::shared_lock lock(m_registryLock);
    return m_records.contains(id);
}

TimerSnapshot TimerCore::snapshot() const
{
    TimerSnapshot snapshot;
    std::shared_lock lock(m_registryLock);
    // Versions change under the exclusive lock only, so this one matches the list.
    snapshot.version = version();
    snapshot.timers.reserve(m_records.size());
    const qint64 nowNs = steadyNowNs();
    m_records.forEach([&](TimerId id, const TimerRecord &record) {
        snapshot.timers.push_back(statusOf(id, record, nowNs));
    });
    return snapshot;
}

void TimerCore::takeRequests(std::vector<TimerRequest> *out)
{
    std::lock_guard lock(m_requestLock);
    out->swap(m_requests);
    m_wakePending = false;
    m_wakePosted = false;
}

void TimerCore::takeRequestsBetweenWakeUps(std::vector<TimerRequest> *out)
{
    std::lock_guard lock(m_requestLock);
    // The Shutdown request, always the last, stays for the wake-up that comes with it: the
    // timer thread must do nothing after its shutdown, which that wake-up's handler ends with.
    const bool shutdownQueued = !m_requests.empty()
            && m_requests.back().type == TimerRequest::Shutdown;
    if (!shutdownQueued) {
        out->swap(m_requests);
        return;
    }
    out->assign(m_requests.begin(), m_requests.end() - 1);
    m_requests.erase(m_requests.begin(), m_requests.end() - 1);
}

bool TimerCore::requestShutdown()
{
    // Not pushRequest()'s answer: a request queued after detachManager() left m_wakePending
    // set although wakeManager() posted nothing, and the timer thread would wait for ever.
    // Nor an unconditional wake-up: only what is really on its way counts.
    std::lock_guard lock(m_requestLock);
    m_requests.push_back({TimerRequest::Shutdown});
    m_wakePending = true;
    return !std::exchange(m_wakePosted, true);
}

void TimerCore::dispatchDue(const std::vector<FiredTimer> &due, qint64 nowNs,
                            std::vector<TimerRequest> *reschedule)
{
    // Fires grouped by context, in deadline order; usually there is a single context.
    std::vector<std::pair<ContextChannel *, std::vector<FiredTimer>>> batches;

    std::shared_lock lock(m_registryLock);
    for (const FiredTimer &fired : due) {
        TimerRecord *const found = m_records.find(fired.id);
        if (!found)
            continue; // stopped, or a finished timeout left over from a pause/resume
        TimerRecord &record = *found;
        if (record.state.load(std::memory_order_relaxed) != TimerState::Active)
            continue; // paused: its Disarm request is on the way
        if (fired.dueNs != record.dueNs.load(std::memory_order_relaxed))
            continue; // a stale entry: paused and resumed since, its new Arm is on the way

        if (record.kind == TimerKind::Interval) {
            qint64 nextNs = saturatingAdd(fired.dueNs, record.periodNs);
            if (nextNs <= nowNs) {
                // The timer thread itself was late by whole periods: those ticks are missed.
                const qint64 missed = (nowNs - fired.dueNs) / record.periodNs;
                record.skippedTicks.fetch_add(quint64(missed), std::memory_order_relaxed);
                nextNs = saturatingAdd(fired.dueNs, (missed + 1) * record.periodNs);
            }
            record.dueNs.store(nextNs, std::memory_order_relaxed);
            reschedule->push_back({TimerRequest::Arm, fired.id, nextNs, record.periodNs});
        }

        // Never two callbacks of one timer in the queue: a tick that finds the previous one
        // still waiting is merged into it, and counted.
        if (record.deliveryPending.exchange(true, std::memory_order_acq_rel)) {
            record.skippedTicks.fetch_add(1, std::memory_order_relaxed);
            continue;
        }
        auto batch = std::find_if(batches.begin(), batches.end(),
                                  [&](const auto &b) { return b.first == record.channel; });
        if (batch == batches.end())
            batch = batches.insert(batches.end(), {record.channel, {}});
        batch->second.push_back(fired);
    }
    // Still under the shared lock: the channels cannot go while their timers are registered.
    for (const auto &[channel, fires] : batches)
        channel->pushFired(fires.data(), fires.size());
}

void TimerCore::markTimerThreadDone()
{
    // Notified under the lock: the waiter destroys the core, condition variable included,
    // as soon as it sees the flag, so the notify must be over by then.
    std::lock_guard lock(m_requestLock);
    m_timerThreadDone = true;
    m_timerThreadDoneChanged.notify_all();
}

void TimerCore::waitForTimerThread()
{
    std::unique_lock lock(m_requestLock);
    m_timerThreadDoneChanged.wait(lock, [this] { return m_timerThreadDone; });
}

FireDecision TimerCore::beginFire(const FiredTimer &fired, qint64 nowNs, TimerKind *kind)
{
    std::shared_lock lock(m_registryLock);
    TimerRecord *const found = m_records.find(fired.id);
    if (!found)
        return FireDecision::Gone;
    TimerRecord &record = *found;
    if (record.state.load(std::memory_order_relaxed) == TimerState::Paused) {
        // The fire was queued before the pause. It is dropped; a timeout gets it back on
        // resume, since its remaining time is then zero.
        if (record.deliveryPending.exchange(false, std::memory_order_acq_rel)
            && record.kind == TimerKind::Interval) {
            record.skippedTicks.fetch_add(1, std::memory_order_relaxed);
        }
        return FireDecision::Paused;
    }
    record.deliveryPending.store(false, std::memory_order_release);
    const qint64 latenessNs = nowNs - fired.dueNs;
    record.lastLatenessNs.store(latenessNs, std::memory_order_relaxed);
    storeMax(record.maxLatenessNs, latenessNs);
    record.fireCount.fetch_add(1, std::memory_order_relaxed);
    *kind = record.kind;
    return FireDecision::Run;
}

bool TimerCore::endFire(TimerId id, TimerKind kind, qint64 durationNs, const QString *error)
{
    const auto findRecord = [this](TimerId id) { return m_records.find(id); };
    if (kind == TimerKind::Interval && !error) {
        // The common case of an interval only touches atomics.
        std::shared_lock lock(m_registryLock);
        if (TimerRecord *record = findRecord(id)) {
            record->lastCallbackNs.store(durationNs, std::memory_order_relaxed);
            storeMax(record->maxCallbackNs, durationNs);
            return false;
        }
        return true;
    }

    bool wake = false;
    {
        std::unique_lock lock(m_registryLock);
        TimerRecord *record = findRecord(id);
        if (!record)
            return true;
        bool remove = kind == TimerKind::Timeout; // a timeout that ran leaves the registry
        if (error) {
            record->lastCallbackNs.store(durationNs, std::memory_order_relaxed);
            storeMax(record->maxCallbackNs, durationNs);
            const quint64 errors = record->errorCount.fetch_add(1, std::memory_order_relaxed) + 1;
            record->text().lastError = *error;
            if (record->stopAfterErrors > 0 && errors >= quint64(record->stopAfterErrors)) {
                qCInfo(lcTimers, "timer %llu stopped by its error policy after %llu error(s)",
                       id, errors);
                remove = true;
            }
        }
        if (!remove)
            return false;
        m_records.erase(id);
        // A timeout that ran has already left the schedule; an interval has not.
        if (kind == TimerKind::Interval)
            wake = pushRequest({TimerRequest::Disarm, id});
        bumpVersion();
    }
    if (wake)
        wakeManager();
    return true;
}

void TimerCore::reportFailure(TimerId id, const QString &message, bool alreadyReported)
{
    if (!alreadyReported)
        qCWarning(lcTimers, "timer %llu: callback failed: %s", id, qUtf8Printable(message));
    TimerManager *manager;
    {
        // No lock is held across the emission: a direct slot may wait for a thread that calls
        // into the manager. Registered instead, so that the destructor, on another thread,
        // waits for it to end before the manager goes.
        std::lock_guard lock(m_managerLock);
        manager = m_manager;
        if (!manager)
            return;
        m_emitters.push_back(std::this_thread::get_id());
    }
    const auto unregister = qScopeGuard([this] {
        std::lock_guard lock(m_managerLock);
        m_emitters.erase(std::find(m_emitters.begin(), m_emitters.end(),
                                   std::this_thread::get_id()));
        m_emittersChanged.notify_all();
    });
    Q_EMIT manager->callbackFailed(id, message);
}

void TimerCore::contextDestroyed(ContextChannel *channel)
{
    bool wake = false;
    {
        std::unique_lock lock(m_registryLock);
        std::vector<TimerId> ids;
        m_records.forEach([&ids, channel](TimerId id, const TimerRecord &record) {
            if (record.channel == channel)
                ids.push_back(id);
        });
        for (const TimerId id : ids) {
            wake |= pushRequest({TimerRequest::Disarm, id});
            m_records.erase(id);
        }
        if (!ids.empty())
            bumpVersion();
        if (m_lastChannel.get() == channel) {
            m_lastContext = nullptr;
            m_lastChannel.reset(); // a new object at the same address gets a new channel
        }
        std::lock_guard channelsLock(m_channelsLock);
        const auto it = m_channels.find(channel->context());
        if (it != m_channels.end() && it->second.get() == channel)
            m_channels.erase(it);
    }
    if (wake)
        wakeManager();
}

void TimerCore::detachManager()
{
    std::unique_lock lock(m_managerLock);
    m_manager = nullptr;
    // A slot on this thread may be the one destroying the manager: wait only for the others.
    const auto self = std::this_thread::get_id();
    m_emittersChanged.wait(lock, [this, self] {
        return std::all_of(m_emitters.begin(), m_emitters.end(),
                           [self](std::thread::id id) { return id == self; });
    });
}

void TimerCore::shutdown()
{
    std::vector<std::shared_ptr<ContextChannel>> channels;
    std::size_t stopped;
    {
        std::unique_lock lock(m_registryLock);
        m_shutDown.store(true, std::memory_order_release);
        stopped = m_records.size();
        m_records.clear();
        m_lastContext = nullptr;
        m_lastChannel.reset();
        bumpVersion();
        std::lock_guard channelsLock(m_channelsLock);
        for (auto &entry : m_channels)
            channels.push_back(std::move(entry.second));
        m_channels.clear();
    }
    if (stopped > 0)
        qCInfo(lcTimers, "TimerManager destroyed: stopped %zu live timer(s)", stopped);
    for (const auto &channel : channels)
        channel->close();
}

} // namespace havel
