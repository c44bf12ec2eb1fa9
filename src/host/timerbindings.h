// TimerBindings: the `timer` module, its global aliases, the `interval` / `timeout` forms,
// handles and `mode`, on top of havel::TimerManager.
//
// Script values never leave the interpreter thread. The timer core stores only a small
// callback that names the timer's id; when the core delivers "timer N fired" on the
// interpreter thread, fire() looks up N's callable here and runs it on a fiber of its own
// through the EngineSeam. The timer contract as scripts see it:
// - clear-means-never: a stopped timer's entry is gone, so a delivery already queued is
//   dropped;
// - no re-entry: while an interval's callback fiber has not ended (it sleeps, or was
//   preempted), its further ticks are skipped (they coalesce);
// - exception isolation: a callback's error is reported once by the engine; the others go on.
// The table below is also what keeps the host alive: a timer keeps it running while it is
// referenced (not unref'd) and active. A paused timer does not, since nothing could resume it
// once no timer runs. keepsAlive() is O(1): a count kept as entries change.
#pragma once

#include "firerecord.h"

#include <timertypes.h>
#include <value.h>

#include <QtCore/QString>

#include <memory>
#include <unordered_map>
#include <vector>

namespace havel::script {

class EngineSeam;
class Vm;
struct TimerHandle;

//! The script side of every timer a run creates. Thread: the interpreter thread only.
class TimerBindings
{
public:
    struct Options
    {
        QString mode;            //!< runs only while this mode is current; empty: always
        bool ref = true;         //!< keeps the host alive while active
        int stopAfterErrors = 0; //!< the core's error policy; 0: never stop on errors
    };

    explicit TimerBindings(EngineSeam &engine);
    ~TimerBindings();

    //! Defines the timer globals, the `timer`, `interval`, `timeout` and `mode` names.
    void install(Vm &vm);

    //! Starts a timer running @p callable; @p function names the caller in errors.
    Ref<const TimerHandle> create(bool isInterval, const Value &callable, qint64 ms,
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
    //! Whether a referenced, active timer may still fire. O(1).
    bool keepsAlive() const { return m_keepAlive > 0; }
    //! Someone other than the script (the inspector) stopped timers: forget those the core
    //! no longer has. O(timers); only on such changes.
    void reconcile();
    //! Pauses and resumes mode-scoped timers after mode.set().
    void modeChanged();
    //! Tells @p observer of every callback run from now on (`havel --trace`); empty: none.
    void setFireObserver(FireObserver observer) { m_fireObserver = std::move(observer); }

    //! `h.id`, `h.running`, `h.kind`, `h.interval`, or a bound method.
    Value handleMember(const Ref<const TimerHandle> &handle, const QString &name, int line);
    //! `h.stop()`, `h.pause()`, `h.resume()`, `h.wait()`, `h.unref()`, `h.ref()`, `h.status()`.
    Value callHandleMethod(const Ref<const TimerHandle> &handle, const QString &name,
                           std::vector<Value> &args, int line);
    //! `await` on a timer: null at once if it has ended; else parks the running fiber until
    //! it has, and the wait gives its last callback's result.
    Value awaitTimer(quint64 id, int line);
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
        //! The core's pause reasons for this timer (TimerStatus::pauseReasons), the one truth
        //! for the script, the inspector and the mode rule. Mirrored here so that keepsAlive()
        //! stays O(1): set from what this thread asks of the core, and refreshed from the core
        //! by reconcile() when someone else (the inspector) paused or resumed it.
        PauseReasons pauseReasons = 0;
        bool running = false;     //!< its callback's fiber has not ended yet
        int stopAfterErrors = 0;
        int errors = 0;
        qint64 coalesced = 0;     //!< ticks delivered while its callback had not ended
        bool keepsAlive() const { return ref && pauseReasons == 0; }
    };

    //! A timer fired: runs its callable. Called by the core on the interpreter thread.
    void fire(quint64 id);
    void callbackEnded(quint64 id, const QString &error, const Value &result, bool reportedToCore);
    void erase(std::unordered_map<quint64, Entry>::iterator it);
    //! Applies @p change to @p entry, keeping the keep-alive count right.
    template<typename Change>
    void update(Entry &entry, Change change)
    {
        const bool before = entry.keepsAlive();
        change(entry);
        m_keepAlive += int(entry.keepsAlive()) - int(before);
    }
    Value status(quint64 id);
    bool isLive(quint64 id) const;
    Value createFromArgs(bool isInterval, std::vector<Value> &args, const QString &function,
                         int line, bool returnHandle);
    quint64 idArgument(const std::vector<Value> &args, const QString &function, int line) const;
    void wait(quint64 id, int line);

    EngineSeam &m_engine;
    std::unordered_map<quint64, Entry> m_entries;
    int m_keepAlive = 0; //!< entries with keepsAlive()
    //! Callback results kept for `await`, for the timers some fiber awaits (only those).
    std::unordered_map<quint64, Value> m_results;
    FireObserver m_fireObserver; //!< empty unless traced: then each fire costs a status read
    //! The error of an awaited timer's last callback, raised in the awaiting fiber.
    std::unordered_map<quint64, QString> m_resultErrors;
};

} // namespace havel::script
