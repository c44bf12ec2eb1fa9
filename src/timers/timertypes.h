// The value types of the timer module's public API.
#pragma once

#include <QtCore/QString>
#include <QtCore/QtGlobal>

#include <chrono>
#include <functional>
#include <stdexcept>
#include <vector>

namespace havel {

//! A timer's id: 64-bit, starting at 1, shared by every kind, never reused.
using TimerId = quint64;

//! The id no timer has; the create calls return it when they refuse their input.
inline constexpr TimerId InvalidTimerId = 0;

//! What a timer runs. It is invoked, moved and destroyed only on its context's thread.
using TimerCallback = std::function<void()>;

enum class TimerKind : quint8 {
    Timeout,  //!< fires once, then leaves the registry
    Interval, //!< fires every interval until stopped
};

enum class TimerState : quint8 {
    Active,
    Paused, //!< keeps its remaining time until resumed
};

//! What a callback throws when its owner has already reported the failure to the user (a
//! script host prints the script's error with its line). The timer module counts it in the
//! timer's status, applies the error policy and emits callbackFailed, but does not log it a
//! second time. Any other exception is logged on havel.timers as well.
class CallbackError : public std::runtime_error
{
public:
    explicit CallbackError(const QString &message)
        : std::runtime_error(message.toStdString()), m_message(message)
    {
    }
    QString message() const { return m_message; }

private:
    QString m_message;
};

//! Why a timer is paused. A timer is paused while any of its reasons holds, and each party
//! clears only its own: resuming what the user paused leaves a timer outside its mode paused,
//! and a change of mode leaves the user's pause alone.
enum PauseReason : quint8 {
    PauseByUser = 0x1, //!< pauseTimer() without a reason: a script's h.pause(), the inspector
    PauseByMode = 0x2, //!< the script's current mode is not the timer's mode
};
//! A set of PauseReason bits; 0 means active.
using PauseReasons = quint8;

//! Per-timer settings given at creation.
struct TimerOptions
{
    //! Free text shown by status and the inspector, for example "script.hv:12".
    QString label;
    //! The mode the owner scopes the timer to, for display ("gaming"); the core does not
    //! interpret it: the owner pauses the timer with PauseByMode outside that mode.
    QString mode;
    //! Error policy: 0 keeps the timer running whatever its callback throws; N > 0 stops it
    //! after its N-th failed callback (1 stops on the first error).
    int stopAfterErrors = 0;
};

//! A copy of one live timer's state and counters, taken without a round trip to any thread.
struct TimerStatus
{
    TimerId id = InvalidTimerId;
    TimerKind kind = TimerKind::Timeout;
    TimerState state = TimerState::Active;
    //! Why it is paused (PauseReason bits); 0 while active.
    PauseReasons pauseReasons = 0;
    //! The delay of a timeout or the period of an interval.
    std::chrono::milliseconds interval{0};
    //! Time until the next fire; frozen while paused, zero once due.
    std::chrono::nanoseconds remaining{0};
    //! When the next fire is due (steady clock); meaningful while active.
    std::chrono::steady_clock::time_point nextDue;

    quint64 fireCount = 0;    //!< callbacks run
    quint64 skippedTicks = 0; //!< interval ticks merged into a pending callback, or missed
    quint64 errorCount = 0;   //!< callbacks that threw
    QString lastError;

    std::chrono::nanoseconds lastLateness{0}; //!< callback start minus its deadline, last fire
    std::chrono::nanoseconds maxLateness{0};
    std::chrono::nanoseconds lastCallbackDuration{0};
    std::chrono::nanoseconds maxCallbackDuration{0};

    QString label;
    QString mode; //!< TimerOptions::mode
};

//! Every live timer's status, in creation order, with the registry version it was taken at.
struct TimerSnapshot
{
    quint64 version = 0;
    std::vector<TimerStatus> timers;
};

} // namespace havel
