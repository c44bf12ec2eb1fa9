// TimerCore: the state every thread shares. The registry of live timers, the request mailbox
// to the timer thread, and the context channels.
//
// Lock order, outermost first:
//   managerLock > registryLock > channelsLock > ContextChannel::m_lock > requestLock
//   (> the TSan-only handoff lock, see tsanhandoff_p.h)
// No lock is held while user code (a callback, a slot) runs. An emission of callbackFailed
// registers itself under managerLock instead, and the manager's destructor waits for the
// emissions of other threads to end, so that no slot runs on a destroyed manager.
//
// The core outlives the TimerManager while context channels still hold it, which lets a
// delivery already queued to a context thread find out safely that the manager is gone.
#pragma once

#include "idtable_p.h"
#include "timertypes.h"

#include <QtCore/QList>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <vector>

QT_BEGIN_NAMESPACE
class QObject;
QT_END_NAMESPACE

namespace havel {

class ContextChannel;
class TimerManager;

//! Nanoseconds of the steady clock, the single time base of the module.
qint64 steadyNowNs();
//! @p a + @p b, saturated at the largest qint64 instead of overflowing.
qint64 saturatingAdd(qint64 a, qint64 b);

//! One live timer in the registry.
//!
//! Thread: any. The const members never change. The atomics are written by the timer thread
//! (deadline, delivery flag, skipped ticks) and the context thread (counters), and read by
//! anyone holding registryLock. The plain members are guarded by registryLock.
struct TimerRecord
{
    TimerRecord(TimerKind kind, qint64 periodNs, qint64 dueNs, ContextChannel *channel,
                const TimerOptions &options)
        : periodNs(periodNs), channel(channel), label(options.label), dueNs(dueNs),
          stopAfterErrors(options.stopAfterErrors), kind(kind)
    {
        if (!options.mode.isEmpty())
            text().mode = options.mode;
    }

    //! What most timers never need, allocated on first use so the record stays small.
    struct Text
    {
        QString lastError;
        QString mode;
    };
    //! The rarely used texts, made on first use. Guarded by registryLock (or the record is
    //! not shared yet).
    Text &text()
    {
        if (!rare)
            rare = std::make_unique<Text>();
        return *rare;
    }

    // Ordered by size, so that 100k live timers waste no padding (the record is most of a
    // timer's memory).
    const qint64 periodNs;            //!< the delay of a timeout, the period of an interval
    ContextChannel *const channel;    //!< outlives the record: a channel goes after its timers
    const QString label;

    std::atomic<qint64> dueNs;        //!< next deadline while active
    std::atomic<quint64> fireCount{0};
    std::atomic<quint64> skippedTicks{0};
    std::atomic<quint64> errorCount{0};
    std::atomic<qint64> lastLatenessNs{0};
    std::atomic<qint64> maxLatenessNs{0};
    std::atomic<qint64> lastCallbackNs{0};
    std::atomic<qint64> maxCallbackNs{0};
    qint64 pausedRemainingNs = 0;         // guarded by registryLock
    std::unique_ptr<Text> rare;           // guarded by registryLock; see text()

    const int stopAfterErrors;
    const TimerKind kind;
    PauseReasons pauseReasons = 0;        // guarded by registryLock; state is Paused iff != 0
    std::atomic<TimerState> state{TimerState::Active};
    std::atomic<bool> deliveryPending{false}; //!< a fire is queued to the context, not yet run
};

//! A request from a caller thread to the timer thread.
struct TimerRequest
{
    enum Type : quint8 { Arm, Disarm, DisarmAll, Shutdown };
    Type type;
    TimerId id = InvalidTimerId;
    qint64 dueNs = 0;
    qint64 periodNs = 0;
};

//! A fire on its way from the timer thread to a context thread.
struct FiredTimer
{
    TimerId id;
    qint64 dueNs; //!< the deadline this fire was for, to measure lateness against
};

//! What a context thread does with a fire that reached it.
enum class FireDecision : quint8 {
    Run,    //!< run the callback
    Paused, //!< drop this fire, keep the callback
    Gone,   //!< the timer was stopped: drop the fire and the callback
};

//! Thread: any; every member is guarded as noted.
class TimerCore : public std::enable_shared_from_this<TimerCore>
{
public:
    explicit TimerCore(TimerManager *manager);
    ~TimerCore();

    // --- the registry (any thread) ---

    //! Registers a new timer and schedules it. Returns its id, or InvalidTimerId once shut down.
    TimerId add(QObject *context, TimerKind kind, qint64 dueNs, qint64 periodNs,
                TimerCallback &&callback, const TimerOptions &options);
    bool stop(TimerId id);
    bool pause(TimerId id, PauseReason reason = PauseByUser);
    bool resume(TimerId id, PauseReason reason = PauseByUser);
    int stopAll();
    std::optional<TimerStatus> status(TimerId id) const;
    QList<TimerId> ids() const;
    qsizetype count() const;
    TimerSnapshot snapshot() const;
    quint64 version() const { return m_version.load(std::memory_order_acquire); }

    // --- used by the timer thread ---

    //! Moves the pending requests into @p out; the next request that needs a wake-up posts one.
    void takeRequests(std::vector<TimerRequest> *out);
    //! Moves the pending requests but a Shutdown into @p out, outside a wake-up (when an
    //! alarm rings), leaving the wake-up bookkeeping as it is: one that is posted still comes.
    void takeRequestsBetweenWakeUps(std::vector<TimerRequest> *out);
    //! Sends the timers that came due to their contexts, one wake-up per context. An interval
    //! whose previous fire has not run yet counts a skipped tick instead of queueing a second
    //! callback. Intervals that stay live are appended to @p reschedule with their next
    //! deadline, which skips (and counts) ticks the timer thread was too late for.
    void dispatchDue(const std::vector<FiredTimer> &due, qint64 nowNs,
                     std::vector<TimerRequest> *reschedule);
    //! Tells the caller that the timer thread has finished its shutdown work.
    void markTimerThreadDone();

    // --- used by context channels, on their context thread ---

    //! Called before a callback runs: decides whether it runs, and if so counts the fire and
    //! its lateness and reports the timer's kind.
    FireDecision beginFire(const FiredTimer &fired, qint64 nowNs, TimerKind *kind);
    //! Called after a callback ran: records its duration and its error, if any. A timeout
    //! leaves the registry here, and so does a timer whose error policy says stop. Returns
    //! true if the timer is gone, so that its callback goes too.
    bool endFire(TimerId id, TimerKind kind, qint64 durationNs, const QString *error);
    //! Emits callbackFailed, unless the manager is already gone, and logs the failure unless
    //! @p alreadyReported (the callback's owner reported it itself, see CallbackError).
    void reportFailure(TimerId id, const QString &message, bool alreadyReported);
    //! Whether @p id is still registered (context thread sweeps use it).
    bool contains(TimerId id) const;
    //! The context of @p channel was destroyed: its timers stop.
    void contextDestroyed(ContextChannel *channel);
    //! Whether the manager has been destroyed.
    bool isShutDown() const { return m_shutDown.load(std::memory_order_acquire); }

    // --- shutdown (the manager's destructor) ---

    //! Stops the manager's signals and wake-ups; called first by its destructor. Waits until
    //! no other thread is emitting callbackFailed.
    void detachManager();
    //! Stops every timer and closes every channel; no callback runs after this returns.
    void shutdown();
    //! Queues the timer thread's last request. Returns true if it must be woken: unless a
    //! wake-up is already posted to it, since after detachManager() pushRequest() may mark a
    //! wake-up pending that nobody sends.
    bool requestShutdown();
    //! Waits until the timer thread has run markTimerThreadDone().
    void waitForTimerThread();

private:
    std::shared_ptr<ContextChannel> channelFor(QObject *context);
    //! Appends @p request; the caller holds registryLock, so requests stay in registry order.
    //! Returns true if the timer thread must be woken: not for a Disarm, unless
    //! kLazyRequestLimit requests are waiting.
    bool pushRequest(const TimerRequest &request);
    void wakeManager();
    void bumpVersion() { m_version.fetch_add(1, std::memory_order_acq_rel); }
    TimerStatus statusOf(TimerId id, const TimerRecord &record, qint64 nowNs) const;

    std::mutex m_managerLock;
    TimerManager *m_manager; // guarded by m_managerLock; null once the manager is going away
    std::vector<std::thread::id> m_emitters; // guarded by m_managerLock; threads in callbackFailed
    std::condition_variable m_emittersChanged;

    mutable std::shared_mutex m_registryLock;
    // Addressed by id (see idtable_p.h): stopping timers in random order costs one cache
    // miss per lookup, with no node to allocate or free. Ids grow in creation order, so the
    // table's id order is creation order, without a list of its own.
    IdTable<TimerRecord> m_records; // guarded by m_registryLock
    // The channel add() used last, and its context. Reset when that context is destroyed.
    const QObject *m_lastContext = nullptr;        // guarded by m_registryLock
    std::shared_ptr<ContextChannel> m_lastChannel; // guarded by m_registryLock
    std::atomic<TimerId> m_nextId{1};
    std::atomic<quint64> m_version{0};
    std::atomic<bool> m_shutDown{false};

    std::mutex m_channelsLock;
    std::unordered_map<const QObject *, std::shared_ptr<ContextChannel>> m_channels; // guarded by m_channelsLock

    //! Disarm requests wait for another wake-up up to this many queued requests.
    static constexpr std::size_t kLazyRequestLimit = 4096;

    std::mutex m_requestLock;
    std::vector<TimerRequest> m_requests; // guarded by m_requestLock
    bool m_wakePending = false;           // guarded by m_requestLock; a wake-up is due or sent
    bool m_wakePosted = false;            // guarded by m_requestLock; one is posted, not yet taken
    bool m_timerThreadDone = false;       // guarded by m_requestLock
    std::condition_variable m_timerThreadDoneChanged;
};

} // namespace havel
