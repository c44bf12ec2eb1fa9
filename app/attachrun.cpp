// `havel-inspector --list` and `havel-inspector --attach PID|NAME [--screenshot FILE.png |
// --export csv|json]`: the inspector of a script that another process runs with
// `havel --inspect`.
//
// --list reads the description files of the publishing processes (InspectEndpoint) and asks
// each, over its socket, how many timers it has live. --attach opens the inspector window on a
// RemoteTimerSource. Detaching (closing the window) leaves the script running untouched; when
// the script ends or its process dies, the window stays open on the last state and says so.
#include "invocation.h"

#include <inspectendpoint.h>
#include <inspectorwindow.h>
#include <remotetimersource.h>
#include <timerexport.h>
#include <timerlistmodel.h>

#include <QtCore/QCommandLineParser>
#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QEventLoop>
#include <QtCore/QFileInfo>
#include <QtCore/QTimer>
#include <QtGui/QGuiApplication>
#include <QtGui/QImageWriter>
#include <QtQuick/QQuickWindow>

#include <cstdio>
#include <cstring>

namespace havel::app {

namespace {

constexpr int kExitUnavailable = 69; // sysexits EX_UNAVAILABLE: nothing to attach to
constexpr int kListTimeoutMs = 2000;
constexpr int kDefaultAttachScreenshotDelayMs = 1000;

//! Waits until @p source has left Connecting, or @p timeoutMs.
void waitForAttach(RemoteTimerSource &source, int timeoutMs)
{
    if (source.state() != RemoteTimerSource::State::Connecting)
        return;
    QEventLoop loop;
    QObject::connect(&source, &RemoteTimerSource::stateChanged, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
}

int listPublished()
{
    QString error;
    const QString dir = InspectEndpoint::directory(&error);
    if (dir.isEmpty()) {
        printLine(stderr, QStringLiteral("havel-inspector: %1").arg(error));
        return kExitSoftware;
    }
    const QList<PublishedScript> scripts = InspectEndpoint::published(dir);
    if (scripts.isEmpty()) {
        printLine(stdout, QStringLiteral("No havel process publishes its timers (start one with "
                                         "havel --inspect script.hv)."));
        return kExitOk;
    }
    printLine(stdout, QStringLiteral("%1  %2  %3  %4")
                              .arg(QStringLiteral("PID"), 7)
                              .arg(QStringLiteral("NAME"), -20)
                              .arg(QStringLiteral("SCRIPT"), -20)
                              .arg(QStringLiteral("LIVE TIMERS")));
    for (const PublishedScript &script : scripts) {
        RemoteTimerSource source;
        source.attach(script.socketPath);
        waitForAttach(source, kListTimeoutMs);
        const QString live = source.state() == RemoteTimerSource::State::Attached
                ? QString::number(source.liveTimers())
                : QStringLiteral("? (%1)").arg(source.state() == RemoteTimerSource::State::Connecting
                                                       ? QStringLiteral("no answer")
                                                       : source.errorString());
        printLine(stdout, QStringLiteral("%1  %2  %3  %4")
                                  .arg(script.pid, 7)
                                  .arg(script.name, -20)
                                  .arg(script.script, -20)
                                  .arg(live));
    }
    return kExitOk;
}

//! The socket of the process @p target names (a pid, or a --inspect name or script name), or
//! empty with the reason printed.
QString resolveTarget(const QString &target)
{
    QString error;
    const QString dir = InspectEndpoint::directory(&error);
    if (dir.isEmpty()) {
        printLine(stderr, QStringLiteral("havel-inspector: %1").arg(error));
        return {};
    }
    const QList<PublishedScript> scripts = InspectEndpoint::published(dir);
    bool isPid = false;
    const qint64 pid = target.toLongLong(&isPid);
    QList<PublishedScript> matches;
    for (const PublishedScript &script : scripts) {
        if (isPid ? script.pid == pid : script.name == target)
            matches.append(script);
    }
    if (matches.isEmpty() && !isPid) {
        for (const PublishedScript &script : scripts) {
            if (script.script == target)
                matches.append(script);
        }
    }
    if (matches.size() == 1)
        return matches.front().socketPath;
    if (matches.isEmpty()) {
        printLine(stderr, QStringLiteral("havel-inspector: no havel process publishes as '%1'. "
                                         "Start the script with havel --inspect, and see "
                                         "havel-inspector --list.")
                                  .arg(target));
    } else {
        QStringList pids;
        for (const PublishedScript &script : matches)
            pids << QString::number(script.pid);
        printLine(stderr, QStringLiteral("havel-inspector: '%1' names %2 processes (pids %3); "
                                         "attach by pid")
                                  .arg(target)
                                  .arg(matches.size())
                                  .arg(pids.join(QStringLiteral(", "))));
    }
    return {};
}

//! Attaches @p source to @p socketPath and waits for the answer; false, with the reason
//! printed, if it did not attach.
bool attachOrSay(RemoteTimerSource &source, const QString &socketPath, const QString &target)
{
    source.attach(socketPath);
    waitForAttach(source, kListTimeoutMs * 2);
    if (source.state() == RemoteTimerSource::State::Attached)
        return true;
    printLine(stderr, QStringLiteral("havel-inspector: cannot attach to '%1': %2")
                              .arg(target, source.state() == RemoteTimerSource::State::Connecting
                                                   ? QStringLiteral("no answer")
                                                   : source.statusText()));
    return false;
}

//! `--attach TARGET --export csv|json`: the attached script's live timers on stdout, no window.
int exportTimers(int &argc, char **argv, const QString &target, TimerExport::Format format)
{
    QCoreApplication app(argc, argv);
    const QString socketPath = resolveTarget(target);
    if (socketPath.isEmpty())
        return kExitUnavailable;
    RemoteTimerSource source;
    if (!attachOrSay(source, socketPath, target))
        return kExitUnavailable;
    // Two polls a second apart, so that fires/s has a span to be measured over.
    TimerListModel model(&source);
    model.setPollInterval(0);
    model.refresh();
    QEventLoop loop;
    QTimer::singleShot(1000, &loop, &QEventLoop::quit);
    loop.exec();
    model.refresh();
    const QByteArray text = TimerExport::text(model, {}, format).toUtf8();
    std::fwrite(text.constData(), 1, size_t(text.size()), stdout);
    return kExitOk; // a failed write to stdout is reported at exit (watchStandardOutput)
}

int attach(int &argc, char **argv, const QString &target, const QString &screenshot, int delayMs)
{
    if (const QString problem = InspectorWindow::displayError(
                QStringLiteral("havel-inspector --attach %1").arg(target));
        !problem.isEmpty()) {
        printLine(stderr, QStringLiteral("havel-inspector: %1").arg(problem));
        return kExitUsage;
    }
    QGuiApplication app(argc, argv);
    if (!screenshot.isEmpty()) {
        const QByteArray suffix = QFileInfo(screenshot).suffix().toLower().toLatin1();
        if (!QImageWriter::supportedImageFormats().contains(suffix)
            || !QFileInfo(screenshot).absoluteDir().exists()) {
            printLine(stderr, QStringLiteral("havel-inspector: --screenshot: cannot write '%1'; "
                                             "name a .png file in an existing folder")
                                      .arg(screenshot));
            return kExitUsage;
        }
    }
    const QString socketPath = resolveTarget(target);
    if (socketPath.isEmpty())
        return kExitUnavailable;

    RemoteTimerSource source;
    InspectorWindow inspector(&source);
    const auto showState = [&] {
        inspector.setStatusText(source.statusText(),
                                source.state() == RemoteTimerSource::State::Ended
                                        || source.state() == RemoteTimerSource::State::Lost);
        if (inspector.window()) {
            inspector.window()->setTitle(QStringLiteral("%1 (pid %2) \u2014 Havel timer inspector")
                                                 .arg(source.scriptName())
                                                 .arg(source.pid()));
        }
    };
    QObject::connect(&source, &RemoteTimerSource::stateChanged, &app, showState);
    if (!attachOrSay(source, socketPath, target))
        return kExitUnavailable;
    if (!inspector.show()) {
        printLine(stderr, QStringLiteral("havel-inspector: %1").arg(inspector.errorString()));
        return kExitSoftware;
    }
    showState();
    // Closing the window detaches; the script keeps running.
    QGuiApplication::setQuitOnLastWindowClosed(false);
    QObject::connect(&inspector, &InspectorWindow::closed, &app, [] { QCoreApplication::exit(kExitOk); });
    const bool closable = QGuiApplication::platformName() != QLatin1String("offscreen")
            && QGuiApplication::platformName() != QLatin1String("minimal");
    if (!screenshot.isEmpty()) {
        QTimer::singleShot(delayMs, &app, [&] {
            const bool ok = inspector.grabToFile(screenshot);
            if (!ok)
                printLine(stderr, QStringLiteral("havel-inspector: %1").arg(inspector.errorString()));
            QCoreApplication::exit(ok ? kExitOk : kExitSoftware);
        });
    } else if (!closable) {
        // Nobody can close an offscreen window: leave when the script does.
        QObject::connect(&source, &RemoteTimerSource::stateChanged, &app, [&source] {
            if (source.state() == RemoteTimerSource::State::Ended
                || source.state() == RemoteTimerSource::State::Lost)
                QCoreApplication::exit(kExitOk);
        });
    }
    return app.exec();
}

} // namespace

bool isAttachCommand(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--list") == 0 || std::strcmp(argv[i], "--attach") == 0
            || std::strncmp(argv[i], "--attach=", 9) == 0)
            return true;
    }
    return false;
}

int runAttachCommand(int &argc, char **argv)
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    QCommandLineParser parser;
    parser.setApplicationDescription(
            QStringLiteral("The Havel timer inspector for a script run with havel --inspect."));
    const QCommandLineOption list(QStringLiteral("list"),
                                  QStringLiteral("List the running havel processes that publish "
                                                 "their timers: pid, name, script, live timers."));
    const QCommandLineOption attachTo(QStringLiteral("attach"),
                                      QStringLiteral("Open the inspector on the process with this "
                                                     "pid, or this --inspect name or script name."),
                                      QStringLiteral("pid|name"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QStringLiteral("With --attach: save the window to <file> "
                                                       "(PNG) and detach."),
                                        QStringLiteral("file"));
    const QCommandLineOption delay(QStringLiteral("screenshot-delay"),
                                   QStringLiteral("With --screenshot: wait <ms> after attaching "
                                                  "(default %1).")
                                           .arg(kDefaultAttachScreenshotDelayMs),
                                   QStringLiteral("ms"));
    const QCommandLineOption exportAs(QStringLiteral("export"),
                                      QStringLiteral("With --attach: print every live timer as "
                                                     "<format> (csv or json) on standard output "
                                                     "and detach, without a window."),
                                      QStringLiteral("format"));
    parser.addHelpOption();
    parser.addOptions({list, attachTo, screenshot, delay, exportAs});
    if (!parser.parse(arguments)) {
        printLine(stderr, QStringLiteral("havel-inspector: %1").arg(parser.errorText()));
        return kExitUsage;
    }
    if (parser.isSet(list) == parser.isSet(attachTo) || !parser.positionalArguments().isEmpty()) {
        printLine(stderr, QStringLiteral("havel-inspector: give either --list or --attach PID|NAME"));
        return kExitUsage;
    }
    if (parser.isSet(list)) {
        if (parser.isSet(screenshot) || parser.isSet(delay) || parser.isSet(exportAs)) {
            printLine(stderr, QStringLiteral("havel-inspector: --screenshot and --export go with --attach"));
            return kExitUsage;
        }
        QCoreApplication app(argc, argv);
        return listPublished();
    }
    if (parser.isSet(exportAs)) {
        TimerExport::Format format;
        if (!TimerExport::parseFormat(parser.value(exportAs), &format)) {
            printLine(stderr, QStringLiteral("havel-inspector: --export takes csv or json, not '%1'")
                                      .arg(parser.value(exportAs)));
            return kExitUsage;
        }
        if (parser.isSet(screenshot)) {
            printLine(stderr, QStringLiteral("havel-inspector: give either --export or --screenshot"));
            return kExitUsage;
        }
        return exportTimers(argc, argv, parser.value(attachTo), format);
    }
    int delayMs = kDefaultAttachScreenshotDelayMs;
    if (parser.isSet(delay)) {
        bool ok = false;
        delayMs = parser.value(delay).toInt(&ok);
        if (!ok || delayMs < 0 || delayMs > 600'000 || !parser.isSet(screenshot)) {
            printLine(stderr, QStringLiteral("havel-inspector: --screenshot-delay takes 0 to "
                                             "600000 ms and goes with --screenshot"));
            return kExitUsage;
        }
    }
    return attach(argc, argv, parser.value(attachTo), parser.value(screenshot), delayMs);
}

} // namespace havel::app
