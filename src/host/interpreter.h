// Interpreter: the run of one Havel script: compile, then run its fibers on the VM.
//
// Threading. The interpreter is a QObject that lives on the interpreter thread, a QThread
// with an event loop that ScriptHost starts (tests may use the main thread instead). It is
// also the context object of every timer it makes, so the timer core delivers "timer N fired"
// to that thread with a queued call; TimerBindings then runs the callback on a fiber of its
// own. The VM runs one fiber at a time, between events of this thread's loop, so callbacks
// never run in parallel with script code; a busy body is preempted by its time budget so
// that they still run. No script value ever leaves this thread.
//
// A run: runScript() compiles the script and starts the body's fiber. The run then stays on
// its thread's event loop as RunLifecycle decides; finished(exitCode) is emitted once, on the
// interpreter thread, after every timer has been stopped and every script value freed.
#pragma once

#include "engineseam.h"
#include "firerecord.h"
#include "runlifecycle.h"
#include "scriptprobe.h"

#include <heap.h>
#include <runtimeerror.h>
#include <value.h>
#include <vmhost.h>

#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QStringList>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace havel {
class TimerManager;
}

namespace havel::script {

class Fiber;
class TimerBindings;
class Vm;

//! Runs one Havel script. Thread: constructed on any thread, then used only on the thread it
//! lives on, except requestStop() and timersChangedElsewhere(), which any thread may call.
class Interpreter : public QObject, private VmHost, private EngineSeam
{
    Q_OBJECT

public:
    //! Exit codes of a run, as the `havel` CLI returns them.
    enum ExitCode { ExitOk = 0, ExitUsage = 64, ExitSyntax = 65, ExitRuntime = 70 };

    using Output = std::function<void(const QString &text)>;

    //! @p timers must outlive the interpreter.
    explicit Interpreter(TimerManager *timers, QObject *parent = nullptr);
    ~Interpreter() override;

    //! The script's file name, used in timer labels ("demo.hv:12").
    void setScriptName(const QString &name) { m_scriptName = name; }
    //! Where `use NAME` and `use {a} from "file"` look for NAME.hv / file (default: the working
    //! directory, which is the script's own when havel runs it from there).
    void setModuleDirectory(const QString &directory) { m_moduleDirectory = directory; }
    const QString &scriptName() const override { return m_scriptName; }
    //! Havel's own rule: stop pending timers when the script body ends.
    void setExitWhenDone(bool on);
    //! Where print() and error reports go; stdout and stderr by default.
    void setOutput(Output out, Output err);
    //! The deepest script call nesting before "Stack overflow." (default 1000).
    void setMaxCallDepth(int depth);
    //! The heap limit in bytes past which an allocation raises "OutOfMemory: ..." (catchable);
    //! 0: none. The default is 1 GiB.
    void setMaxHeapBytes(qint64 bytes);
    //! Where to publish the current line and busy time for observers (see ScriptProbe); must
    //! outlive the interpreter. By default a probe of its own that nobody reads.
    void setProbe(ScriptProbe *probe) { m_probe = probe; }
    //! Tells @p observer, on this thread, of every timer callback the run makes (see
    //! FireRecord). Call before runScript().
    void setFireObserver(FireObserver observer);

    //! Compiles and starts @p source; its fibers and timers run on this thread's event loop.
    //! Emits finished() when the run is over. Call once, on the interpreter's thread.
    void runScript(const QString &source);
    //! Asks the run to end with @p exitCode as soon as possible: within one time slice of a
    //! busy fiber, or at once when idle. Thread-safe; the first request wins.
    void requestStop(int exitCode);
    //! Whether the run has ended.
    bool isFinished() const { return m_lifecycle.isFinished(); }
    //! Timers were stopped, paused or resumed by someone other than the script (the inspector,
    //! an embedding application). Thread-safe: the interpreter thread re-checks its waits and
    //! the exit rule on its next turn, once however many calls come meanwhile.
    void timersChangedElsewhere();

    //! The script objects (for tests of the collector).
    Heap &heap() override;

    //! The bytecode of @p source as text (`havel --dump-bytecode`), or the syntax error.
    static QString dumpBytecode(const QString &source, bool *ok);

Q_SIGNALS:
    //! The script body has run to its end (its timers are set up); emitted at most once, on
    //! the interpreter thread. Not emitted after a syntax error.
    void bodyFinished();
    //! The run is over; emitted once, on the interpreter thread.
    void finished(int exitCode);

private Q_SLOTS:
    void onStopRequested();
    void onTimersChangedElsewhere();

private:
    // VmHost
    void print(const QString &text) override;
    void printError(const QString &text) override;
    void requestExit(int code) override;
    bool stopRequested() override;
    void busyStarted() override;
    void busyEnded() override;
    void atLine(int line) override { m_probe->line.store(line, std::memory_order_relaxed); }
    Value createTimerBlock(bool isInterval, const Value &delay, const Value &callable, int line) override;
    void stopTimer(quint64 id) override;
    Value handleMember(const Ref<const TimerHandle> &handle, const QString &name, int line) override;
    Value callHandleMethod(const Ref<const TimerHandle> &handle, const QString &name,
                           std::vector<Value> &args, int line) override;
    QString describeHandle(const TimerHandle &handle) override;

    // EngineSeam
    void runCallback(quint64 timerId, const Value &callable, CallbackDone done) override;
    quint64 currentTimerId() const override;
    void parkUntil(std::function<bool()> done, std::function<Value()> value,
                   std::function<QString()> error) override;
    Value awaitTimer(quint64 id, int line) override;
    void tasksChanged() override;
    void timersChanged() override;
    TimerManager &timerManager() override { return *m_timerManager; }
    QObject *timerContext() override { return this; }
    const QString &mode() const override { return m_mode; }
    void setMode(const QString &mode) override;

    void stopEverything();
    void teardown();
    //! Compiles the runtime's Havel-written methods (src/runtime/prelude.cpp) into the VM.
    void installPrelude();
    //! `use SPEC`: a function giving a built-in module, or the body of the file module SPEC
    //! (compiled on first use; its body returns its exports), or its exports once loaded.
    Value importModule(const QString &spec, int line);
    Value moduleLoaded(const QString &prefix);
    bool hasWork() const;

    struct Waiter
    {
        std::weak_ptr<Fiber> fiber;
        quint64 token;
        std::function<bool()> done;
        std::function<Value()> value;
        std::function<QString()> error;
    };

    TimerManager *const m_timerManager;
    std::unique_ptr<Vm> m_vm;
    std::unique_ptr<TimerBindings> m_timers;
    RunLifecycle m_lifecycle;
    std::vector<Waiter> m_waiters;
    std::weak_ptr<Fiber> m_body; //!< the script body's fiber, while it runs
    QString m_scriptName = QStringLiteral("<script>");
    QString m_moduleDirectory;
    struct Module
    {
        bool loaded = false; //!< its body has run; else it is running (a cycle if used again)
        Value exports;
    };
    QHash<QString, Module> m_modules;  //!< by canonical path
    QStringList m_loadingModules;      //!< the chain of modules whose bodies are running
    QStringList m_builtinModules;      //!< the names `use NAME` finds without a file
    QString m_mode = QStringLiteral("default");
    Output m_out;
    Output m_err;
    bool m_started = false;
    //! -1, or the exit code another thread asked for. Read at every budget check.
    std::atomic<int> m_stopRequest{-1};
    ScriptProbe m_ownProbe;
    ScriptProbe *m_probe = &m_ownProbe; // written on this thread, read by any
    //! Set with m_stopRequest: the parser polls it, so a stop interrupts a huge parse too.
    std::atomic<bool> m_parseCancel{false};
    std::atomic<bool> m_changedElsewhere{false};
    //! Orders the end of a run before the destructor when the two run on different threads
    //! (ScriptHost deletes the interpreter after joining its thread). The join already does
    //! so, but inside uninstrumented Qt where ThreadSanitizer cannot see it; this lock, taken
    //! empty at both ends, makes the order visible.
    std::mutex m_finishHandoff;
};

} // namespace havel::script
