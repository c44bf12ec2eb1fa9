#include "timermanager.h"

#include "timercore_p.h"
#include "timerschedule_p.h"
#include "timerslogging.h"

#include <QtCore/QSocketNotifier>
#include <QtCore/QThread>
#include <QtCore/QTimer>

#ifdef __linux__
#    include <sys/timerfd.h>
#    include <unistd.h>

#    include <cerrno>
#    include <cstring>
#endif

#include <limits>

namespace havel {

//! A QTimer armed for one of the earliest-due timers. Thread: the timer thread.
struct TimerAlarm
{
    QTimer timer;
    TimerId id = InvalidTimerId;
};

namespace {

//! With the precise edge in place, each QTimer is a backstop this much after its deadline: it
//! rings only if the edge did not, so in the normal case a fire costs one wake-up.
constexpr qint64 kBackstopNs = 1'000'000;

qint64 toNs(std::chrono::milliseconds ms)
{
    constexpr qint64 nsPerMs = 1'000'000;
    if (ms.count() > std::numeric_limits<qint64>::max() / nsPerMs)
        return std::numeric_limits<qint64>::max();
    return ms.count() * nsPerMs;
}

} // namespace

TimerManager::TimerManager()
    : m_core(std::make_shared<TimerCore>(this)),
      m_thread(std::make_unique<QThread>()),
      m_schedule(std::make_unique<TimerSchedule>(kMaxArmedTimers))
{
    m_thread->setObjectName(QStringLiteral("havel.timers"));
    // The one way in from other threads: a queued wake-up with no payload. The requests
    // themselves wait in the core's mailbox, where ThreadSanitizer can see them handed over.
    connect(this, &TimerManager::requestsQueued, this, &TimerManager::processRequests,
            Qt::QueuedConnection);
    // Everything the timer thread uses is built above, before the thread starts.
    moveToThread(m_thread.get());
    // The precise edge is made on the timer thread, which its notifier must belong to.
    connect(m_thread.get(), &QThread::started, this, &TimerManager::setUpPreciseEdge);
    m_thread->start();
}

TimerManager::~TimerManager()
{
    if (QThread::currentThread() == m_thread.get())
        qFatal("TimerManager::~TimerManager: destroyed on its own timer thread");

    // First no more signals or wake-ups, then no more timers or callbacks, then the thread.
    m_core->detachManager();
    m_core->shutdown();
    if (m_core->requestShutdown())
        wakeTimerThread();
    m_core->waitForTimerThread();
    m_thread->quit();
    m_thread->wait();
}

TimerId TimerManager::setTimeout(QObject *context, std::chrono::milliseconds delay,
                                 TimerCallback callback, const TimerOptions &options)
{
    const qint64 nowNs = steadyNowNs(); // the deadline is taken at the call, on this thread
    if (delay.count() < 0) {
        qCWarning(lcTimers, "TimerManager::setTimeout: negative delay (%lld ms) refused",
                  qlonglong(delay.count()));
        return InvalidTimerId;
    }
    const qint64 delayNs = toNs(delay);
    return addTimer("TimerManager::setTimeout", context, TimerKind::Timeout,
                    saturatingAdd(nowNs, delayNs), delayNs, std::move(callback), options);
}

TimerId TimerManager::setTimeoutAt(QObject *context, std::chrono::steady_clock::time_point deadline,
                                   TimerCallback callback, const TimerOptions &options)
{
    using namespace std::chrono;
    // A deadline in the past means "due now", and is taken as now: lateness is then measured
    // from the call, and no later arithmetic meets a deadline near the clock's minimum.
    const qint64 nowNs = steadyNowNs();
    const qint64 dueNs =
            std::max<qint64>(nowNs, duration_cast<nanoseconds>(deadline.time_since_epoch()).count());
    const qint64 delayNs = dueNs - nowNs;
    return addTimer("TimerManager::setTimeoutAt", context, TimerKind::Timeout, dueNs, delayNs,
                    std::move(callback), options);
}

TimerId TimerManager::setInterval(QObject *context, std::chrono::milliseconds interval,
                                  TimerCallback callback, const TimerOptions &options)
{
    const qint64 nowNs = steadyNowNs();
    if (interval.count() < 0) {
        qCWarning(lcTimers, "TimerManager::setInterval: negative interval (%lld ms) refused",
                  qlonglong(interval.count()));
        return InvalidTimerId;
    }
    // A zero period would spin the timer thread; browsers and Node.js run it as 1 ms too.
    const qint64 periodNs = toNs(std::max(interval, std::chrono::milliseconds(1)));
    return addTimer("TimerManager::setInterval", context, TimerKind::Interval,
                    saturatingAdd(nowNs, periodNs), periodNs, std::move(callback), options);
}

TimerId TimerManager::addTimer(const char *caller, QObject *context, TimerKind kind, qint64 dueNs,
                               qint64 periodNs, TimerCallback &&callback,
                               const TimerOptions &options)
{
    if (!context) {
        qCWarning(lcTimers, "%s: null context refused", caller);
        return InvalidTimerId;
    }
    if (!callback) {
        qCWarning(lcTimers, "%s: empty callback refused", caller);
        return InvalidTimerId;
    }
    if (context->thread() == m_thread.get()) {
        qCWarning(lcTimers, "%s: a context on the timer thread is refused", caller);
        return InvalidTimerId;
    }
    if (options.stopAfterErrors < 0) {
        qCWarning(lcTimers, "%s: negative stopAfterErrors (%d) refused", caller,
                  options.stopAfterErrors);
        return InvalidTimerId;
    }
    return m_core->add(context, kind, dueNs, periodNs, std::move(callback), options);
}

bool TimerManager::stopTimer(TimerId id)
{
    return m_core->stop(id);
}

bool TimerManager::pauseTimer(TimerId id, PauseReason reason)
{
    return m_core->pause(id, reason);
}

bool TimerManager::resumeTimer(TimerId id, PauseReason reason)
{
    return m_core->resume(id, reason);
}

int TimerManager::cleanupAllTimers()
{
    return m_core->stopAll();
}

std::optional<TimerStatus> TimerManager::timerStatus(TimerId id) const
{
    return m_core->status(id);
}

QList<TimerId> TimerManager::activeTimers() const
{
    return m_core->ids();
}

qsizetype TimerManager::activeTimerCount() const
{
    return m_core->count();
}

quint64 TimerManager::registryVersion() const
{
    return m_core->version();
}

TimerSnapshot TimerManager::snapshot() const
{
    return m_core->snapshot();
}

QThread *TimerManager::timerThread() const
{
    return m_thread.get();
}

// ---------------------------------------------------------------------------------------
// Timer thread

void TimerManager::processRequests()
{
    if (!applyRequests(true))
        return; // shut down
    // What is due already (a 0 ms timeout, say) goes now: arming the timerfd for a deadline
    // in the past would only cost a system call and a second wake-up of this thread.
    if (const std::optional<qint64> dueNs = m_schedule->earliestDueNs(); dueNs && *dueNs <= steadyNowNs())
        fireDueTimers();
    syncAlarms();
}

bool TimerManager::applyRequests(bool onWakeUp)
{
    // Kept between calls, so that its capacity is too: no allocation per wake-up.
    m_takenRequests.clear();
    if (onWakeUp)
        m_core->takeRequests(&m_takenRequests);
    else
        m_core->takeRequestsBetweenWakeUps(&m_takenRequests);
    for (const TimerRequest &request : m_takenRequests) {
        switch (request.type) {
        case TimerRequest::Arm:
            m_schedule->insert(request.id, request.dueNs, request.periodNs);
            break;
        case TimerRequest::Disarm:
            m_schedule->remove(request.id);
            break;
        case TimerRequest::DisarmAll:
            m_schedule->clear();
            break;
        case TimerRequest::Shutdown: // only on a wake-up: see takeRequestsBetweenWakeUps()
            shutdownOnTimerThread();
            return false;
        }
    }
    return true;
}

void TimerManager::fireDueTimers()
{
    const qint64 nowNs = steadyNowNs();
    std::vector<FiredTimer> due;
    TimerId id;
    TimerSchedule::Entry entry;
    while (m_schedule->popDue(nowNs, &id, &entry))
        due.push_back({id, entry.dueNs});
    if (due.empty())
        return;

    std::vector<TimerRequest> reschedule;
    m_core->dispatchDue(due, nowNs, &reschedule);
    for (const TimerRequest &request : reschedule)
        m_schedule->insert(request.id, request.dueNs, request.periodNs);
}

void TimerManager::onAlarm(TimerAlarm *alarm)
{
    // Whichever alarm rang, every entry that is due goes, in (deadline, id) order: the order
    // of fires comes from the schedule, not from the order Qt happens to run its QTimers in.
    // The mailbox first: the entry may belong to a timer stopped since (see onPreciseEdge()).
    applyRequests(false);
    fireDueTimers();
    syncAlarms();
    // A delay longer than a QTimer holds (about 24.8 days) rings early, with nothing due yet.
    if (alarm->id != InvalidTimerId && !alarm->timer.isActive()) {
        if (const TimerSchedule::Entry *entry = m_schedule->find(alarm->id); entry && entry->armed)
            startAlarm(alarm, entry->dueNs);
    }
}

void TimerManager::onPreciseEdge()
{
#ifdef __linux__
    quint64 expirations = 0;
    // Non-blocking; the count itself does not matter, only that the deadline passed.
    [[maybe_unused]] const ssize_t bytes = ::read(m_edgeFd, &expirations, sizeof expirations);
    m_edgeDueNs = 0; // it rang: disarmed until armed again
#endif
    // Stops and pauses do not wake this thread (see TimerCore::pushRequest()): the entry that
    // rang may be a stopped timer's. Applying them now clears every such entry at once, so
    // they cost one early wake-up in all, not one each.
    applyRequests(false);
    fireDueTimers();
    syncAlarms();
}

void TimerManager::setUpPreciseEdge()
{
#ifdef __linux__
    // HAVEL_TIMERS_NO_TIMERFD=1 forces the QTimer-only path, the one every other platform
    // takes, so that CI shows it keeps the whole contract on Linux too.
    if (qEnvironmentVariableIntValue("HAVEL_TIMERS_NO_TIMERFD") != 0) {
        qCInfo(lcTimers, "HAVEL_TIMERS_NO_TIMERFD is set: QTimers alone carry the schedule");
        return;
    }
    m_edgeFd = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (m_edgeFd < 0) {
        qCInfo(lcTimers, "timerfd_create failed (%s): timers fire with millisecond precision",
               strerror(errno));
        return;
    }
    m_edgeNotifier = std::make_unique<QSocketNotifier>(m_edgeFd, QSocketNotifier::Read);
    connect(m_edgeNotifier.get(), &QSocketNotifier::activated, this,
            &TimerManager::onPreciseEdge);
#endif
}

void TimerManager::armPreciseEdge()
{
#ifdef __linux__
    if (m_edgeFd < 0)
        return;
    const std::optional<qint64> dueNs = m_schedule->earliestDueNs();
    const qint64 wantedNs = dueNs.value_or(0);
    // Re-armed only when the earliest deadline moves earlier, or when nothing is left. One
    // that moved later (its timer was stopped or fired) leaves the edge where it was: it rings
    // early, finds nothing due and is armed again then, which costs one wake-up at most,
    // where re-arming on every change cost a timerfd_settime per fire (10% of the fire
    // workload's samples).
    if (wantedNs == m_edgeDueNs || (wantedNs != 0 && m_edgeDueNs != 0 && wantedNs > m_edgeDueNs))
        return;
    m_edgeDueNs = wantedNs;
    // steady_clock is CLOCK_MONOTONIC on Linux, so the deadline is used as it is, absolute.
    // An all-zero value disarms; a deadline at the clock's epoch is moved to 1 ns.
    itimerspec spec{};
    if (dueNs) {
        const qint64 ns = std::max<qint64>(1, *dueNs);
        spec.it_value.tv_sec = time_t(ns / 1'000'000'000);
        spec.it_value.tv_nsec = long(ns % 1'000'000'000);
    }
    ::timerfd_settime(m_edgeFd, TFD_TIMER_ABSTIME, &spec, nullptr);
#endif
}

void TimerManager::syncAlarms()
{
    for (const TimerId id : m_schedule->takeChanges()) {
        const TimerSchedule::Entry *entry = m_schedule->find(id);
        const auto it = m_alarmById.find(id);
        if (entry && entry->armed) {
            TimerAlarm *alarm = nullptr;
            if (it != m_alarmById.end()) {
                alarm = it->second;
            } else if (!m_freeAlarms.empty()) {
                alarm = m_freeAlarms.back();
                m_freeAlarms.pop_back();
            } else {
                m_alarms.push_back(std::make_unique<TimerAlarm>());
                alarm = m_alarms.back().get();
                alarm->timer.setSingleShot(true);
                // The default CoarseTimer may fire up to 5% early.
                alarm->timer.setTimerType(Qt::PreciseTimer);
                connect(&alarm->timer, &QTimer::timeout, this, [this, alarm] { onAlarm(alarm); });
            }
            alarm->id = id;
            m_alarmById[id] = alarm;
            startAlarm(alarm, entry->dueNs);
        } else if (it != m_alarmById.end()) {
            it->second->timer.stop();
            it->second->id = InvalidTimerId;
            m_freeAlarms.push_back(it->second);
            m_alarmById.erase(it);
        }
    }
    armPreciseEdge();
}

void TimerManager::startAlarm(TimerAlarm *alarm, qint64 dueNs)
{
    // A QTimer counts whole milliseconds, and Qt 6.4's GLib dispatcher rounds its poll timeout
    // up to whole milliseconds too, so a QTimer alone fires up to about 2 ms late. Where the
    // precise edge (a timerfd) exists it fires the timer on time, and this QTimer is a
    // backstop just after. Without it, round up: a fire must never be early.
    const qint64 slackNs = m_edgeFd >= 0 ? kBackstopNs : 0;
    const qint64 remainingNs = std::max<qint64>(0, saturatingAdd(dueNs, slackNs) - steadyNowNs());
    const qint64 ms = remainingNs / 1'000'000 + (remainingNs % 1'000'000 != 0 ? 1 : 0);
    alarm->timer.start(int(std::min<qint64>(ms, std::numeric_limits<int>::max())));
}

void TimerManager::shutdownOnTimerThread()
{
    // The notifier and the QTimers are deleted here, on the thread they belong to.
    m_edgeNotifier.reset();
#ifdef __linux__
    if (m_edgeFd >= 0)
        ::close(m_edgeFd);
#endif
    m_edgeFd = -1;
    m_alarmById.clear();
    m_freeAlarms.clear();
    m_alarms.clear();
    m_schedule->clear();
    m_schedule->takeChanges();
    // Last: after this the destructor may run on another thread.
    m_core->markTimerThreadDone();
}

} // namespace havel
