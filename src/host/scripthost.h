// ScriptHost: one run of a Havel script on its own interpreter thread.
//
// The host owns the timer module (a TimerManager, with its timer thread) and the interpreter
// thread, a QThread running an event loop on which the Interpreter lives. The thread that
// creates the host (the main thread of `havel`, a QCoreApplication now and a QGuiApplication
// for the inspector later) only runs its own event loop and hands stop requests over; a busy
// script never blocks it.
#pragma once

#include "firerecord.h"
#include "scriptprobe.h"

#include <QtCore/QObject>
#include <QtCore/QString>

#include <functional>
#include <memory>

QT_BEGIN_NAMESPACE
class QThread;
QT_END_NAMESPACE

namespace havel {
class TimerManager;
}

namespace havel::script {

class Interpreter;

//! Runs one script on a dedicated interpreter thread.
//! Thread: lives on the thread that creates it; start(), requestStop() and the destructor
//! are called there (requestStop() may be called from any thread).
class ScriptHost : public QObject
{
    Q_OBJECT

public:
    explicit ScriptHost(QObject *parent = nullptr);
    //! Stops a run still going (exit code 130 semantics are the caller's), then joins the
    //! interpreter thread and frees the timer module.
    ~ScriptHost() override;

    //! The timer module the script's timers live in; observers (the inspector) may read it
    //! from any thread.
    TimerManager *timerManager() const { return m_timers.get(); }

    //! Text the script writes, with its newlines: print() output, or an error report.
    using Output = std::function<void(const QString &text)>;
    //! Sends print() output to @p out and error reports to @p err instead of stdout and
    //! stderr (a GUI host shows them). Both are called on the interpreter thread. Call before
    //! start(), with both set.
    void setOutput(Output out, Output err);
    //! The script's heap limit in bytes (`havel --max-heap`); 0: none. Call before start().
    void setMaxHeapBytes(qint64 bytes) { m_maxHeapBytes = bytes; }
    //! Where `use "file"` looks for the script's modules: the script's own directory (empty:
    //! the working directory, as for standard input or -e). Call before start().
    void setModuleDirectory(const QString &directory) { m_moduleDirectory = directory; }
    //! The interpreter's current line and busy time, readable from any thread (the
    //! inspector's "interpreter busy for 10 s at demo.hv:12"). Valid for the host's lifetime.
    const ScriptProbe &probe() const { return m_probe; }
    //! Calls @p observer on the interpreter thread once per timer callback the run makes
    //! (`havel --trace`); it must stay valid until finished(). Call before start().
    void setFireObserver(FireObserver observer) { m_fireObserver = std::move(observer); }
    //! The name given to start(), which labels the timers.
    QString scriptName() const { return m_scriptName; }

    //! Starts running @p source; @p scriptName labels its timers. Call once.
    void start(const QString &source, const QString &scriptName, bool exitWhenDone);
    //! Ends the run as soon as possible with @p exitCode (SIGINT, SIGTERM, a closed window).
    //! Thread-safe; the first request wins.
    void requestStop(int exitCode);
    //! Tells the script that its timers were stopped, paused or resumed through
    //! timerManager() by someone else (the inspector's buttons), so that a handle's wait()
    //! and the exit rule see it. Thread-safe.
    void timersChangedElsewhere();

Q_SIGNALS:
    //! The script body has run to its end, so its timers are set up (the inspector's
    //! --screenshot waits for this). Emitted on the host's thread.
    void bodyFinished();
    //! The run is over: every timer stopped, every script value freed. Emitted on the
    //! host's thread.
    void finished(int exitCode);

private:
    std::unique_ptr<TimerManager> m_timers;
    std::unique_ptr<QThread> m_thread;
    Interpreter *m_interpreter = nullptr; // lives on m_thread; deleted once it has finished
    QString m_source;                      // written before m_thread starts, read on it
    QString m_moduleDirectory;             // set before start()
    Output m_out;                          // set before start(); empty: stdout
    Output m_err;                          // set before start(); empty: stderr
    qint64 m_maxHeapBytes = -1;            // -1: the interpreter's default
    QString m_scriptName;
    FireObserver m_fireObserver;           // set before start(), then called on m_thread
    ScriptProbe m_probe; // written on m_thread by the interpreter, read anywhere
};

} // namespace havel::script
