// TimerManager: thread-safe timers whose callbacks run on the thread of a context object.
//
// Design
// ------
// Three kinds of thread meet here:
//
//  * Caller threads (any thread) create, clear, pause and resume timers. A call registers or
//    changes the timer in a registry guarded by a std::shared_mutex, appends a request to a
//    mutex-guarded mailbox and returns at once; it never waits for the timer thread. One queued
//    signal with no payload wakes the timer thread per batch of requests, not per call.
//  * The timer thread, a QThread owned by the manager, on which the manager object lives. It
//    keeps every active timer in a deadline queue ordered by (deadline, id) and arms QTimers
//    (Qt::PreciseTimer) only for the earliest-due few, so Qt's dispatcher, which scans its timer
//    list linearly, never holds more than kMaxArmedTimers of them. Those QTimers count whole
//    milliseconds and Qt 6.4's GLib dispatcher rounds its waits up to whole milliseconds, so a
//    Linux timerfd, watched by a QSocketNotifier, carries the earliest deadline to the
//    nanosecond; the QTimers then ring only as a backstop, one millisecond later, and are
//    stopped unrung in the normal case. When timers come due it
//    appends their ids to their context's mailbox and wakes that context once per batch with
//    QMetaObject::invokeMethod(context, ..., Qt::QueuedConnection).
//  * Context threads, the threads of the context objects given at creation (in the Havel host,
//    the interpreter). Callbacks are stored, invoked, moved and destroyed only there, so they may
//    hold values that belong to that thread. One wake-up runs every callback that is due.
//
// Deadlines are taken on the caller's thread when the call is made, so time spent in a queue
// never adds lateness. Status and the list of timers are read straight from the registry, from
// any thread, without a round trip; per-timer counters are atomics.
//
// See docs/timer-core.md for the contract, the bad-input rules and the threading model in full.
#pragma once

#include "timertypes.h"

#include <QtCore/QList>
#include <QtCore/QObject>

#include <chrono>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

QT_BEGIN_NAMESPACE
class QSocketNotifier;
class QThread;
QT_END_NAMESPACE

namespace havel {

class TimerCore;
class TimerSchedule;
struct TimerAlarm;
struct TimerRequest;

//! Thread-safe timers with callbacks marshalled to a context object's thread.
//!
//! Thread: the object lives on its own timer thread, which it starts in its constructor and
//! joins in its destructor. Every public function may be called from any thread, except the
//! timer thread itself. The manager has no parent: own it with std::unique_ptr or on the stack.
class TimerManager : public QObject
{
    Q_OBJECT

public:
    //! At most this many QTimers are registered with the timer thread's dispatcher at once.
    static constexpr int kMaxArmedTimers = 64;

    //! Starts the timer thread. Callable from any thread.
    TimerManager();
    //! Stops every timer, drops callbacks still queued, quits the timer thread and joins it.
    //! Callable from any thread but the timer thread, including from inside a callback.
    ~TimerManager() override;

    //! Runs @p callback once on @p context's thread after @p delay. Returns the new id, or
    //! InvalidTimerId (with a warning on havel.timers) for a null context, an empty callback,
    //! a negative delay or a context living on the timer thread. Delay 0 fires on the next loop
    //! iteration. Delays too long for the steady clock saturate: such a timer never fires.
    TimerId setTimeout(QObject *context, std::chrono::milliseconds delay, TimerCallback callback,
                       const TimerOptions &options = {});
    //! Like setTimeout(), but due at an absolute @p deadline of the steady clock.
    TimerId setTimeoutAt(QObject *context, std::chrono::steady_clock::time_point deadline,
                         TimerCallback callback, const TimerOptions &options = {});
    //! Runs @p callback on @p context's thread every @p interval, first after one interval.
    //! An interval of 0 ms runs as 1 ms, as in browsers and Node.js; a negative one is refused.
    TimerId setInterval(QObject *context, std::chrono::milliseconds interval,
                        TimerCallback callback, const TimerOptions &options = {});

    //! Stops timer @p id. Returns true if it named a live timer. Once this returns on the
    //! context thread, no callback of @p id runs, even one already queued to that thread.
    bool stopTimer(TimerId id);
    //! Same as stopTimer(); either clear function stops either kind, as in browsers.
    bool clearTimeout(TimerId id) { return stopTimer(id); }
    //! Same as stopTimer().
    bool clearInterval(TimerId id) { return stopTimer(id); }
    //! Pauses timer @p id for the user (PauseByUser), keeping its remaining time. True if @p id
    //! names a live timer.
    bool pauseTimer(TimerId id) { return pauseTimer(id, PauseByUser); }
    //! Adds @p reason to the reasons timer @p id is paused for; the first one pauses it.
    bool pauseTimer(TimerId id, PauseReason reason);
    //! Clears the user's pause (PauseByUser). The timer resumes with the time it had left,
    //! unless another reason (its mode) still holds. True if @p id names a live timer.
    bool resumeTimer(TimerId id) { return resumeTimer(id, PauseByUser); }
    //! Clears @p reason; once no reason is left the timer resumes with the time it had left.
    bool resumeTimer(TimerId id, PauseReason reason);
    //! Stops every timer and returns how many it stopped. Callable from inside a callback.
    int cleanupAllTimers();

    //! The status of a live timer, or nullopt for an unknown, finished or cleared id.
    std::optional<TimerStatus> timerStatus(TimerId id) const;
    //! The ids of the live timers, in creation order.
    QList<TimerId> activeTimers() const;
    //! How many timers are live.
    qsizetype activeTimerCount() const;

    //! Observer interface: a counter that changes whenever a timer is added, removed, paused or
    //! resumed. Reading it costs one atomic load; fires do not change it.
    quint64 registryVersion() const;
    //! Observer interface: every live timer's status in creation order, with the version it
    //! belongs to. Observers poll it at their own pace; it costs the timer thread nothing.
    TimerSnapshot snapshot() const;

    //! The thread the manager and its QTimers live on.
    QThread *timerThread() const;

Q_SIGNALS:
    //! A callback of timer @p id threw; @p message is the exception's what(), or a note for a
    //! non-standard exception. Emitted on the context thread, right after the callback.
    void callbackFailed(havel::TimerId id, const QString &message);

    //! Wakes the timer thread to drain the request mailbox. Carries no payload on purpose.
    void requestsQueued(QPrivateSignal);

private:
    void wakeTimerThread() { Q_EMIT requestsQueued(QPrivateSignal()); }
    TimerId addTimer(const char *caller, QObject *context, TimerKind kind, qint64 dueNs,
                     qint64 periodNs, TimerCallback &&callback, const TimerOptions &options);

    // Timer thread only.
    void processRequests();
    //! Takes the mailbox and applies it to the schedule. On a wake-up (@p onWakeUp), the
    //! Shutdown request too, and returns false once shut down; else it leaves that one.
    bool applyRequests(bool onWakeUp);
    void fireDueTimers();
    void onAlarm(TimerAlarm *alarm);
    void syncAlarms();
    void startAlarm(TimerAlarm *alarm, qint64 dueNs);
    void shutdownOnTimerThread();
    void setUpPreciseEdge();
    void armPreciseEdge();
    void onPreciseEdge();

    std::shared_ptr<TimerCore> m_core;
    std::unique_ptr<QThread> m_thread;

    // Timer thread only: the deadline queue and the QTimers armed for its earliest entries.
    std::unique_ptr<TimerSchedule> m_schedule;
    std::vector<TimerRequest> m_takenRequests; // the mailbox as applyRequests() took it
    std::vector<std::unique_ptr<TimerAlarm>> m_alarms;
    std::vector<TimerAlarm *> m_freeAlarms;
    std::unordered_map<TimerId, TimerAlarm *> m_alarmById;
    // The precise edge: a Linux timerfd armed for the earliest deadline, to the nanosecond.
    int m_edgeFd = -1;
    qint64 m_edgeDueNs = 0; // what m_edgeFd is armed for; 0 = disarmed
    std::unique_ptr<QSocketNotifier> m_edgeNotifier;

    friend class TimerCore;
};

} // namespace havel
