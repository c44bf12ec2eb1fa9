// The `havel --inspector [--screenshot FILE.png] script.hv` run (the havel-inspector build).
//
// The main thread becomes a QGuiApplication and owns the inspector window; the script runs on
// the interpreter thread exactly as in a plain run. The window only reads the timer manager
// (InspectorWindow polls its snapshot at 10 Hz) and calls its any-thread controls, so a busy
// script cannot freeze it. When the run ends: see InspectorRun.
#include "invocation.h"
#include "signalwatcher.h"
#include "tracewriter.h"

#include <inspectorwindow.h>
#include <managertimersource.h>
#include <scripthost.h>
#include <timerlistmodel.h>

#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QRegularExpression>
#include <QtCore/QTimer>
#include <QtGui/QGuiApplication>
#include <QtGui/QImageWriter>
#include <QtQuick/QQuickWindow>

#include <optional>

namespace havel::app {

namespace {

//! @p argument as a POSIX shell word, for the commands the display advice suggests.
QString shellWord(const QString &argument)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_@%+=:,./-]+$"));
    if (plain.match(argument).hasMatch())
        return argument;
    QString quoted = argument;
    quoted.replace(u'\'', QStringLiteral("'\\''"));
    return u'\'' + quoted + u'\'';
}

//! Why --screenshot @p path cannot be written, found before the run rather than after it;
//! empty if it looks fine. Needs the application object (image plugins).
QString screenshotPathProblem(const QString &path)
{
    const QFileInfo info(path);
    const QByteArray suffix = info.suffix().toLower().toLatin1();
    if (suffix.isEmpty() || !QImageWriter::supportedImageFormats().contains(suffix)) {
        return QStringLiteral("--screenshot: '%1' does not end in the suffix of an image format "
                              "Qt can write; name a .png file")
                .arg(path);
    }
    if (!info.absoluteDir().exists())
        return QStringLiteral("--screenshot: the folder '%1' does not exist").arg(info.absolutePath());
    return {};
}

//! One run with the inspector open: the script host, its window, and what ends the run.
//!
//! The run ends as a plain one does (the script is done, or SIGINT/SIGTERM), or when the user
//! closes the window (exit code 0), or once the --screenshot picture is saved. A script that
//! finishes by itself leaves the window open on a real display, showing the final state
//! (after "Stop all", say) with "finished" in its title; closing it then exits with the
//! script's code. Offscreen nobody could close it, so there the run ends with the script.
//! Thread: the main thread, after the QGuiApplication exists.
class InspectorRun
{
public:
    explicit InspectorRun(const Invocation &invocation);
    //! The run is over (or never started): the window's going away is not a close request.
    ~InspectorRun() { QObject::disconnect(&m_inspector, nullptr, nullptr, nullptr); }
    Q_DISABLE_COPY_MOVE(InspectorRun)

    //! Shows the window, then starts the script. False, with the error printed, if the
    //! window cannot be loaded (nothing has run then).
    bool start();
    //! --trace: opens the file before anything runs; false, with the error printed, if it
    //! cannot be written.
    bool startTrace() { return startTraceIfAsked(m_invocation, m_host, m_trace); }
    //! --trace: completes the file once the event loop is over; the code to exit with.
    int finishTrace(int exitCode) { return app::finishTrace(m_invocation, m_trace, exitCode); }

private:
    void onBodyFinished();
    void onFinished(int exitCode);
    void onWindowClosed();
    void onSignal(int signalNumber);
    //! Ends the run: now if it is over already, else through the host (timers stopped,
    //! interpreter thread done, then onFinished).
    void stop(int exitCode);
    //! Saves the window to the --screenshot file; false, with the error printed, on failure.
    bool takeScreenshot();
    void dropScreenshot(const QString &why);

    const Invocation &m_invocation;
    const bool m_windowClosable; // a display a user can close the window on
    TraceWriter m_trace;         // --trace; before m_host, whose thread writes to it
    script::ScriptHost m_host;   // owns the TimerManager and the interpreter thread
    SignalWatcher m_signalWatcher;
    ManagerTimerSource m_source; // the host's manager and interpreter probe
    InspectorWindow m_inspector; // after m_host: destroyed first, while the manager exists
    std::unique_ptr<QObject> m_publisher; // --inspect
    QTimer m_settle;             // --screenshot: bodyFinished -> the grab
    QTimer m_bodyWait;           // --screenshot: the body never ends (a long sleep): grab anyway
    bool m_screenshotPending = false;
    bool m_stopAsked = false;          // by the window or a signal: exit once the run is over
    std::optional<int> m_finishedCode; // the script is done, the window still open
};

InspectorRun::InspectorRun(const Invocation &invocation)
    : m_invocation(invocation),
      m_windowClosable(QGuiApplication::platformName() != QLatin1String("offscreen")
                       && QGuiApplication::platformName() != QLatin1String("minimal")),
      m_source(m_host.timerManager()),
      m_inspector(&m_source)
{
    const script::ScriptProbe &probe = m_host.probe();
    m_source.setActivityProbe([&probe, name = invocation.scriptName] {
        return InterpreterActivity{probe.busySinceNs.load(std::memory_order_relaxed),
                                   probe.line.load(std::memory_order_relaxed), name};
    });
    m_settle.setSingleShot(true);
    m_bodyWait.setSingleShot(true);
}

bool InspectorRun::start()
{
    if (!m_inspector.show()) {
        printLine(stderr, QStringLiteral("havel: %1").arg(m_inspector.errorString()));
        return false;
    }
    m_inspector.window()->setTitle(
            QStringLiteral("%1 \u2014 Havel timer inspector").arg(m_invocation.scriptName));
    QString publishError;
    m_publisher = publishIfAsked(m_invocation, m_host, &publishError);
    if (!publishError.isEmpty()) {
        printLine(stderr, QStringLiteral("havel: --inspect: %1").arg(publishError));
        return false;
    }

    QObject::connect(&m_signalWatcher, &SignalWatcher::signalled, &m_host,
                     [this](int signalNumber) { onSignal(signalNumber); });
    QObject::connect(&m_inspector, &InspectorWindow::closed, &m_host, [this] { onWindowClosed(); });
    // The window's buttons pause and stop timers behind the script's back: tell it, so that a
    // handle's wait() and the exit rule see the change (after "Stop all" the script is done).
    QObject::connect(m_inspector.model(), &TimerListModel::timersControlled, &m_host,
                     &script::ScriptHost::timersChangedElsewhere);
    QObject::connect(&m_host, &script::ScriptHost::bodyFinished, &m_host, [this] { onBodyFinished(); });
    QObject::connect(&m_host, &script::ScriptHost::finished, &m_host,
                     [this](int exitCode) { onFinished(exitCode); });

    if (!m_invocation.screenshotPath.isEmpty()) {
        m_screenshotPending = true;
        QObject::connect(&m_settle, &QTimer::timeout, &m_host,
                         [this] { stop(takeScreenshot() ? kExitOk : kExitSoftware); });
        QObject::connect(&m_bodyWait, &QTimer::timeout, &m_host, [this] {
            printLine(stderr, QStringLiteral("havel: the script body is still running after %1 s; "
                                             "taking the screenshot now")
                                      .arg(kScreenshotBodyTimeoutMs / 1000));
            stop(takeScreenshot() ? kExitOk : kExitSoftware);
        });
        m_bodyWait.start(kScreenshotBodyTimeoutMs);
    }
    checkScriptOutput(m_host);
    m_host.setMaxHeapBytes(m_invocation.maxHeapBytes);
    if (!m_invocation.scriptPath.isEmpty())
        m_host.setModuleDirectory(QFileInfo(m_invocation.scriptPath).absolutePath());
    m_host.start(m_invocation.source, m_invocation.scriptName, m_invocation.exitWhenDone);
    return true;
}

void InspectorRun::onBodyFinished()
{
    // The script's timers are set up: let the live values render (two polls by default,
    // so that fires/s has a delta), then grab.
    if (m_screenshotPending) {
        m_bodyWait.stop();
        m_settle.start(m_invocation.screenshotDelayMs);
    }
}

void InspectorRun::onFinished(int exitCode)
{
    if (m_screenshotPending) {
        // The script ended before the picture was due. A failed run gets none (its error
        // is on stderr); a finished one gets the window as it is now.
        if (exitCode != kExitOk) {
            dropScreenshot(QStringLiteral("the script failed; no screenshot was saved"));
        } else {
            printLine(stderr, QStringLiteral("havel: the script ended before the screenshot was "
                                             "due; it shows no live timers"));
            if (!takeScreenshot())
                exitCode = kExitSoftware;
        }
        QCoreApplication::exit(exitCode);
        return;
    }
    if (m_stopAsked || !m_windowClosable || !m_inspector.window()->isVisible()) {
        QCoreApplication::exit(exitCode);
        return;
    }
    m_finishedCode = exitCode;
    m_inspector.window()->setTitle(QStringLiteral("%1 \u2014 finished, exit code %2 \u2014 Havel timer inspector")
                                           .arg(m_invocation.scriptName)
                                           .arg(exitCode));
    printLine(stderr, QStringLiteral("havel: the script has finished (exit code %1); close the "
                                     "inspector window to exit")
                              .arg(exitCode));
}

void InspectorRun::onWindowClosed()
{
    if (m_screenshotPending)
        dropScreenshot(QStringLiteral("the window was closed before the screenshot; none was saved"));
    // Closing ends the run with 0, unless the script has already ended with its own code.
    stop(m_finishedCode.value_or(kExitOk));
}

void InspectorRun::onSignal(int signalNumber)
{
    stop(128 + signalNumber);
}

void InspectorRun::stop(int exitCode)
{
    m_stopAsked = true;
    if (m_finishedCode)
        QCoreApplication::exit(exitCode);
    else
        m_host.requestStop(exitCode); // the first request wins; onFinished() exits
}

bool InspectorRun::takeScreenshot()
{
    m_screenshotPending = false;
    m_settle.stop();
    m_bodyWait.stop();
    if (!m_inspector.grabToFile(m_invocation.screenshotPath)) {
        printLine(stderr, QStringLiteral("havel: %1").arg(m_inspector.errorString()));
        return false;
    }
    return true;
}

void InspectorRun::dropScreenshot(const QString &why)
{
    m_screenshotPending = false;
    m_settle.stop();
    m_bodyWait.stop();
    printLine(stderr, QStringLiteral("havel: %1").arg(why));
}

} // namespace

int runWithInspector(int &argc, char **argv, const Invocation &invocation)
{
    // Before the QGuiApplication: without a display Qt would abort with "could not connect to
    // display" and a core dump; say instead how to run headless.
    const QString command = QStringLiteral("havel --inspector %1")
                                    .arg(invocation.scriptPath.isEmpty()
                                                 ? QStringLiteral("script.hv")
                                                 : shellWord(invocation.scriptPath));
    if (const QString problem = InspectorWindow::displayError(command); !problem.isEmpty()) {
        printLine(stderr, QStringLiteral("havel: %1").arg(problem));
        return kExitUsage;
    }

    QGuiApplication app(argc, argv);
    // Closing the window does not end the event loop by itself: InspectorRun decides.
    QGuiApplication::setQuitOnLastWindowClosed(false);
    if (!invocation.screenshotPath.isEmpty()) {
        if (const QString problem = screenshotPathProblem(invocation.screenshotPath); !problem.isEmpty()) {
            printLine(stderr, QStringLiteral("havel: %1").arg(problem));
            return kExitUsage;
        }
    }

    InspectorRun run(invocation);
    if (!run.startTrace())
        return kExitUsage;
    if (!run.start())
        return kExitSoftware;
    return run.finishTrace(app.exec());
}

} // namespace havel::app
