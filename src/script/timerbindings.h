// TimerBindings: the `timer` module, its global aliases, the `interval` / `timeout` forms,
// handles and `mode`, on top of havel::TimerManager.
//
// Script values never leave the interpreter thread. The timer core stores only a small
// callback that names the timer's id; when the core delivers "timer N fired" on the
// interpreter thread, fire() looks up N's callable here and runs it. The table below is also
// what keeps the host alive: a timer keeps it running while it is referenced (not unref'd)
// and active. A paused timer does not, since nothing could resume it once no timer runs.
#pragma once

#include "value.h"

#include <QtCore/QString>

#include <memory>
#include <unordered_map>
#include <vector>

namespace havel::script {

class Environment;
class Interpreter;
struct TimerHandle;

//! The script side of every timer a run creates. Thread: the interpreter thread only.
class TimerBindings
{
public:
    //! The hidden variable, in a timer block's scope, that holds the block's own timer id.
    static const QString kCurrentTimerName;

    struct Options
    {
        QString mode;            //!< runs only while this mode is current; empty: always
        bool ref = true;         //!< keeps the host alive while active
        int stopAfterErrors = 0; //!< the core's error policy; 0: never stop on errors
    };

    explicit TimerBindings(Interpreter &interpreter);
    ~TimerBindings();

    //! Defines the timer globals, the `timer`, `interval`, `timeout` and `mode` names.
    void install(Environment &globals);

    //! Starts a timer running @p callable; @p function names the caller in errors.
    std::shared_ptr<const TimerHandle> create(bool isInterval, const Value &callable, qint64 ms,
                                              const Options &options, const QString &function,
                                              int line);
    bool stop(quint64 id);
    bool pause(quint64 id);
    bool resume(quint64 id);
    bool setRef(quint64 id, bool ref);
    //! Stops every timer; returns how many the core stopped.
    int stopAll();
    //! Drops every callable (teardown, after stopAll()).
    void clear();
    //! Whether a referenced, active timer may still fire.
    bool keepsAlive();
    //! Pauses and resumes mode-scoped timers after mode.set().
    void modeChanged();

    //! `h.id`, `h.running`, `h.kind`, `h.interval`, or a bound method.
    Value handleMember(const std::shared_ptr<const TimerHandle> &handle, const QString &name, int line);
    //! `h.stop()`, `h.pause()`, `h.resume()`, `h.wait()`, `h.unref()`, `h.ref()`, `h.status()`.
    Value callHandleMethod(const std::shared_ptr<const TimerHandle> &handle, const QString &name,
                           std::vector<Value> &args, int line);
    //! `<interval #3 500ms running>`
    QString describe(const TimerHandle &handle) const;

private:
    struct Entry
    {
        Value callable;
        bool isInterval = false;
        qint64 ms = 0;
        int line = 0;
        QString mode;
        bool ref = true;
        // Paused or not, and why, is asked of the core (TimerStatus::pauseReasons): one truth
        // for the script, the inspector and the mode rule.
    };

    //! A timer fired: runs its callable. Called by the core on the interpreter thread.
    void fire(quint64 id);
    Value status(quint64 id);
    bool isLive(quint64 id) const;
    Value createFromArgs(bool isInterval, std::vector<Value> &args, const QString &function,
                         int line, bool returnHandle);
    quint64 idArgument(const std::vector<Value> &args, const QString &function, int line) const;
    void wait(quint64 id, int line);

    Interpreter &m_interpreter;
    std::unordered_map<quint64, Entry> m_entries;
    std::vector<quint64> m_running; //!< ids whose callbacks are on the stack, innermost last
};

} // namespace havel::script
