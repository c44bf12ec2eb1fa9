// The `havel --inspector [--screenshot FILE.png] script.hv` run.
//
// The main thread becomes a QGuiApplication and owns the inspector window; the script runs on
// the interpreter thread exactly as in a plain run. The window only reads the timer manager
// (InspectorWindow polls its snapshot at 10 Hz) and calls its any-thread controls, so a busy
// script cannot freeze it. The run ends the way a plain run does (the script's timers are
// done, or a signal), and also when the user closes the window (exit code 0) or once the
// --screenshot picture is saved.
#include "invocation.h"
#include "signalwatcher.h"

#include <inspectorwindow.h>
#include <scripthost.h>

#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QRegularExpression>
#include <QtCore/QTimer>
#include <QtGui/QGuiApplication>
#include <QtGui/QImageWriter>
#include <QtQuick/QQuickWindow>

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
    quietDuplicateWarnings();
    // The window closing does not end the event loop by itself: it asks the script to stop,
    // and the loop ends when the run is over (timers stopped, interpreter thread done).
    QGuiApplication::setQuitOnLastWindowClosed(false);

    const bool wantScreenshot = !invocation.screenshotPath.isEmpty();
    if (wantScreenshot) {
        if (const QString problem = screenshotPathProblem(invocation.screenshotPath); !problem.isEmpty()) {
            printLine(stderr, QStringLiteral("havel: %1").arg(problem));
            return kExitUsage;
        }
    }

    script::ScriptHost host; // owns the TimerManager and the interpreter thread
    SignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &SignalWatcher::signalled, &host, [&host](int signalNumber) {
        host.requestStop(128 + signalNumber);
    });

    // Declared after the host: it is destroyed first, while the manager it reads still exists.
    InspectorWindow inspector(host.timerManager());
    if (!inspector.show()) {
        printLine(stderr, QStringLiteral("havel: %1").arg(inspector.errorString()));
        return kExitSoftware;
    }
    inspector.window()->setTitle(
            QStringLiteral("%1 \u2014 Havel timer inspector").arg(invocation.scriptName));

    // --screenshot: grab once the script body has set up its timers and the live values
    // have had a moment (screenshotDelayMs) to render, then end the run through the host.
    bool screenshotPending = wantScreenshot;
    QTimer settle;   // bodyFinished -> the grab
    QTimer bodyWait; // the body never finishes (a long sleep at top level): grab anyway
    settle.setSingleShot(true);
    bodyWait.setSingleShot(true);
    const auto takeScreenshot = [&]() -> bool {
        screenshotPending = false;
        settle.stop();
        bodyWait.stop();
        if (!inspector.grabToFile(invocation.screenshotPath)) {
            printLine(stderr, QStringLiteral("havel: %1").arg(inspector.errorString()));
            return false;
        }
        return true;
    };
    QObject::connect(&settle, &QTimer::timeout, &app, [&] {
        host.requestStop(takeScreenshot() ? kExitOk : kExitSoftware);
    });
    QObject::connect(&bodyWait, &QTimer::timeout, &app, [&] {
        printLine(stderr, QStringLiteral("havel: the script body is still running after %1 s; "
                                         "taking the screenshot now")
                                  .arg(kScreenshotBodyTimeoutMs / 1000));
        host.requestStop(takeScreenshot() ? kExitOk : kExitSoftware);
    });
    if (wantScreenshot) {
        QObject::connect(&host, &script::ScriptHost::bodyFinished, &app, [&] {
            if (screenshotPending) {
                bodyWait.stop();
                settle.start(invocation.screenshotDelayMs);
            }
        });
        bodyWait.start(kScreenshotBodyTimeoutMs);
    }

    QObject::connect(&inspector, &InspectorWindow::closed, &host, [&] {
        if (screenshotPending) {
            screenshotPending = false;
            settle.stop();
            bodyWait.stop();
            printLine(stderr, QStringLiteral("havel: the window was closed before the screenshot; "
                                             "none was saved"));
        }
        host.requestStop(kExitOk);
    });
    QObject::connect(&host, &script::ScriptHost::finished, &app, [&](int exitCode) {
        // The script ended by itself before the picture was due. A failed run gets no
        // picture (its error is on stderr); a finished one gets the window as it is now.
        if (screenshotPending && exitCode == kExitOk) {
            printLine(stderr, QStringLiteral("havel: the script ended before the screenshot was "
                                             "due; it shows no live timers"));
            if (!takeScreenshot())
                exitCode = kExitSoftware;
        } else if (screenshotPending) {
            screenshotPending = false;
            printLine(stderr, QStringLiteral("havel: the script failed; no screenshot was saved"));
        }
        QCoreApplication::exit(exitCode);
    });

    host.start(invocation.source, invocation.scriptName, invocation.exitWhenDone);
    return app.exec();
}

} // namespace havel::app
