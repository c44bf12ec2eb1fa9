// Interpreter: the tree-walking evaluator of the Havel subset, and the run of one script.
//
// Threading. The interpreter is a QObject that lives on the interpreter thread, a QThread
// with an event loop that ScriptHost starts (tests may use the main thread instead). It is
// also the context object of every timer it makes, so the timer core delivers "timer N fired"
// to that thread with a queued call; TimerBindings then looks up the script callable there.
// Callbacks therefore run between script statements, or inside sleep() and handle.wait(),
// which run a nested event loop; never in parallel with script code. No script value ever
// leaves this thread.
//
// A run: runScript() parses and executes the body. Afterwards the interpreter stays on its
// thread's event loop while a referenced, active timer may still fire (the Node.js rule), or
// ends right away with exitWhenDone (Havel's own rule). finished(exitCode) is emitted once, on
// the interpreter thread, after every timer has been stopped and every script value freed.
#pragma once

#include "ast.h"
#include "environment.h"
#include "heap.h"
#include "runtimeerror.h"
#include "scriptprobe.h"
#include "value.h"

#include <QtCore/QObject>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

QT_BEGIN_NAMESPACE
class QEventLoop;
QT_END_NAMESPACE

namespace havel {
class TimerManager;
}

namespace havel::script {

class TimerBindings;

//! Runs one Havel script. Thread: constructed on any thread, then used only on the thread it
//! lives on, except requestStop(), which any thread may call.
class Interpreter : public QObject
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
    const QString &scriptName() const { return m_scriptName; }
    //! Havel's own rule: stop pending timers when the script body ends.
    void setExitWhenDone(bool on) { m_exitWhenDone = on; }
    //! Where print() and error reports go; stdout and stderr by default.
    void setOutput(Output out, Output err);
    //! Where to publish the current line and busy time for observers (see ScriptProbe);
    //! must outlive the interpreter. By default a probe of its own that nobody reads.
    void setProbe(ScriptProbe *probe) { m_probe = probe; }
    //! The deepest script call nesting before "Stack overflow." (default 1000).
    void setMaxCallDepth(int depth) { m_maxCallDepth = depth; }

    //! Parses and runs @p source; later timers keep running on this thread's event loop.
    //! Emits finished() when the run is over. Call once, on the interpreter's thread.
    void runScript(const QString &source);
    //! Asks the run to end with @p exitCode as soon as possible: after the statement that
    //! runs now, or at once when idle or sleeping. Thread-safe; the first request wins.
    void requestStop(int exitCode);
    //! Whether the run has ended.
    bool isFinished() const { return m_finished; }

    // --- used by the built-ins and the timer bindings (interpreter thread) ---

    Heap &heap() { return m_heap; }
    TimerManager &timerManager() { return *m_timerManager; }
    TimerBindings &timers() { return *m_timers; }
    //! Calls a script or built-in function.
    Value call(const Value &callee, std::vector<Value> &args, int line);
    //! Text as print() shows it: strings bare, arrays as [1, 2], objects as {id: 1}.
    QString toText(const Value &value);
    void print(const QString &text);
    void printError(const QString &text);
    //! Runs this thread's event loop until @p done returns true (checked after each timer
    //! callback) or @p timeoutMs elapses (-1: no limit). Timer callbacks run meanwhile.
    void runNestedLoop(qint64 timeoutMs, const std::function<bool()> &done = {});
    //! Re-checks the conditions of nested loops and whether the run may end; called after
    //! every timer callback and whenever timers change.
    void timersChanged();
    //! Timers were stopped, paused or resumed by someone other than the script (the inspector,
    //! an embedding application). Thread-safe: the interpreter thread re-checks its waits and
    //! the exit rule on its next turn, once however many calls come meanwhile.
    void timersChangedElsewhere();
    //! Ends the run with @p exitCode: stops the timers, unwinds the script, then finishes.
    void requestFinish(int exitCode);
    //! Throws StopUnwind when the run is ending; called between statements.
    void checkStop();
    [[noreturn]] static void fail(int line, const QString &message);
    //! Milliseconds from a number or a duration string ("500ms", "1s", "2.5m", "1h").
    static qint64 durationMs(const Value &value, const QString &function, int line);

    //! The current mode (mode.get()).
    const QString &mode() const { return m_mode; }
    void setMode(const QString &mode);

    //! Runs a timer's callable; the id is bound as the innermost timer for @stop.
    //! Reports an uncaught error itself and returns its message (empty when none).
    QString runTimerCallback(quint64 id, const Value &callable);

Q_SIGNALS:
    //! The script body has run to its end (its timers are set up); emitted at most once, on
    //! the interpreter thread. Not emitted after a syntax error.
    void bodyFinished();
    //! The run is over; emitted once, on the interpreter thread.
    void finished(int exitCode);

private Q_SLOTS:
    void onStopRequested();
    void onTimersChangedElsewhere();
    void completeFinish();

private:
    enum class Flow { Normal, Break, Continue, Return };
    using EnvPtr = std::shared_ptr<Environment>;

    void installBuiltins();
    void defineNative(const QString &name, std::function<Value(Interpreter &, std::vector<Value> &, int)> fn);
    std::shared_ptr<Object> makeModule(const QString &name);

    Flow execute(const Stmt &stmt, const EnvPtr &env);
    Flow executeStatements(const std::vector<StmtPtr> &statements, const EnvPtr &env);
    Flow executeTry(const TryStmt &stmt, const EnvPtr &env);
    Flow executeForIn(const ForInStmt &stmt, const EnvPtr &env);
    Flow executeForC(const ForCStmt &stmt, const EnvPtr &env);

    Value evaluate(const Expr &expr, const EnvPtr &env);
    Value evaluateBinary(const BinaryExpr &expr, const EnvPtr &env);
    Value evaluateCall(const CallExpr &expr, const EnvPtr &env);
    Value evaluateAssign(const AssignExpr &expr, const EnvPtr &env);
    Value evaluatePostfix(const PostfixExpr &expr, const EnvPtr &env);
    Value evaluateTimerBlock(const TimerBlockExpr &expr, const EnvPtr &env);
    Value binaryOp(TokenType op, const QString &opText, const Value &left, const Value &right, int line);
    void assignTo(const Expr &target, const Value &value, const EnvPtr &env);
    void assignVariable(const QString &name, const Value &value, const EnvPtr &env);

    Value getMember(const Value &object, const QString &name, int line);
    void setMember(const Value &object, const QString &name, const Value &value, int line);
    Value getIndex(const Value &object, const Value &index, int line);
    void setIndex(const Value &object, const Value &index, const Value &value, int line);
    Value callMethod(const Value &receiver, const QString &name, std::vector<Value> &args, int line);
    Value callClosure(const std::shared_ptr<Closure> &closure, std::vector<Value> &args, int line);

    QString toText(const Value &value, int depth, bool quoteStrings);
    struct PrintGuard;
    bool isBeingPrinted(const GcObject *object) const;
    void maybeCollect();
    void scheduleKeepAliveCheck();
    void keepAliveCheck();
    void teardown();

    //! Counts script frames on the C++ stack; completeFinish waits until there are none.
    class ExecutionScope
    {
    public:
        explicit ExecutionScope(Interpreter *interpreter);
        ~ExecutionScope();
    private:
        Interpreter *m_interpreter;
    };

    struct NestedLoop
    {
        QEventLoop *loop;
        std::function<bool()> done;
    };

    // Declared first so that it is destroyed last: every value below may own heap objects.
    Heap m_heap;
    ScriptProbe m_ownProbe;
    ScriptProbe *m_probe = &m_ownProbe;
    TimerManager *const m_timerManager;
    std::unique_ptr<TimerBindings> m_timers;
    std::vector<std::unique_ptr<Program>> m_programs; // closures point into these
    EnvPtr m_globals;
    Value m_returnValue;
    QString m_scriptName = QStringLiteral("<script>");
    QString m_mode = QStringLiteral("default");
    Output m_out;
    Output m_err;
    bool m_exitWhenDone = false;
    int m_maxCallDepth = 1000;
    int m_callDepth = 0;
    int m_executionDepth = 0;
    bool m_bodyDone = false;
    bool m_stopping = false;
    bool m_finished = false;
    bool m_finishPending = false;
    bool m_keepAliveCheckQueued = false;
    int m_exitCode = ExitOk;
    std::vector<NestedLoop> m_loops;
    std::vector<const GcObject *> m_printing; //!< containers being printed, for cycles
    //! -1, or the exit code another thread asked for. Read between statements.
    std::atomic<int> m_stopRequest{-1};
    std::atomic<bool> m_changedElsewhere{false};
    //! Orders the end of a run before the destructor when the two run on different threads
    //! (ScriptHost deletes the interpreter after joining its thread). The join already does
    //! so, but inside uninstrumented Qt where ThreadSanitizer cannot see it; this lock, taken
    //! empty at both ends, makes the order visible.
    std::mutex m_finishHandoff;
};

} // namespace havel::script
