#include "scripthost.h"

#include "interpreter.h"

#include <timermanager.h>

#include <QtCore/QThread>

namespace havel::script {

namespace {
// Deep recursion in scripts needs room; the interpreter reports "Stack overflow." long
// before a thread of this size runs out. Only the touched pages are ever committed.
constexpr uint kInterpreterStackBytes = 256u * 1024u * 1024u;
constexpr int kStopExitCode = 130;
} // namespace

ScriptHost::ScriptHost(QObject *parent)
    : QObject(parent), m_timers(std::make_unique<TimerManager>()), m_thread(std::make_unique<QThread>())
{
    m_thread->setObjectName(QStringLiteral("havel.interpreter"));
    m_thread->setStackSize(kInterpreterStackBytes);
}

ScriptHost::~ScriptHost()
{
    if (m_thread->isRunning()) {
        requestStop(kStopExitCode);
        m_thread->wait();
    }
    // The interpreter's thread has ended, so nothing else can touch it now.
    delete m_interpreter;
    m_interpreter = nullptr;
    m_timers.reset();
}

void ScriptHost::setOutput(Output out, Output err)
{
    Q_ASSERT(!m_interpreter && out && err);
    m_out = std::move(out);
    m_err = std::move(err);
}

void ScriptHost::start(const QString &source, const QString &scriptName, bool exitWhenDone)
{
    Q_ASSERT(!m_interpreter);
    m_source = source;
    m_scriptName = scriptName;
    m_interpreter = new Interpreter(m_timers.get());
    m_interpreter->setProbe(&m_probe);
    if (m_fireObserver)
        m_interpreter->setFireObserver(m_fireObserver);
    m_interpreter->setScriptName(scriptName);
    m_interpreter->setModuleDirectory(m_moduleDirectory);
    m_interpreter->setExitWhenDone(exitWhenDone);
    if (m_out && m_err)
        m_interpreter->setOutput(m_out, m_err);
    if (m_maxHeapBytes >= 0)
        m_interpreter->setMaxHeapBytes(m_maxHeapBytes);
    m_interpreter->moveToThread(m_thread.get());

    // Emitted on the interpreter thread once teardown is done: end that thread's loop there,
    // and tell the host's thread through a queued connection.
    connect(m_interpreter, &Interpreter::finished, m_thread.get(), &QThread::quit,
            Qt::DirectConnection);
    connect(m_interpreter, &Interpreter::finished, this, &ScriptHost::finished,
            Qt::QueuedConnection);
    connect(m_interpreter, &Interpreter::bodyFinished, this, &ScriptHost::bodyFinished,
            Qt::QueuedConnection);
    connect(m_thread.get(), &QThread::started, m_interpreter,
            [this] { m_interpreter->runScript(m_source); }, Qt::DirectConnection);
    m_thread->start();
}

void ScriptHost::requestStop(int exitCode)
{
    if (m_interpreter)
        m_interpreter->requestStop(exitCode);
}

void ScriptHost::timersChangedElsewhere()
{
    if (m_interpreter)
        m_interpreter->timersChangedElsewhere();
}

} // namespace havel::script
