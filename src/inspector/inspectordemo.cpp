// havel-inspector-demo: a worker thread (standing in for the interpreter) runs a handful of
// timers of every sort, including a failing and a slow one, while the inspector watches.
//
//   havel-inspector-demo [--timers N] [--screenshot FILE.png [--delay MS]]
//
// With --screenshot it grabs the window after MS (default 2500) and exits: that is how the docs'
// picture is made (QT_QPA_PLATFORM=offscreen, or under xvfb-run).
#include "inspectorwindow.h"
#include "timermanager.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QElapsedTimer>
#include <QtCore/QRandomGenerator>
#include <QtCore/QThread>
#include <QtCore/QTimer>
#include <QtGui/QGuiApplication>

#include <cstdio>
#include <stdexcept>

using namespace std::chrono_literals;

namespace {

// Runs on the worker thread, as a script's top level would on the interpreter thread.
void startDemoTimers(havel::TimerManager &timers, QObject *context, int extra)
{
    const auto label = [](const char *text) { return havel::TimerOptions{QString::fromLatin1(text)}; };
    timers.setInterval(context, 16ms, [] {}, label("ui/redraw.hv:12"));
    timers.setInterval(context, 250ms, [] {}, label("heartbeat.hv:3"));
    timers.setInterval(context, 1000ms, [] {}, label("poll-server.hv:7"));
    timers.setInterval(
            context, 100ms,
            [] {
                // A slow callback: 12 ms of work that makes the others late.
                QElapsedTimer busy;
                busy.start();
                while (busy.elapsed() < 12) {
                }
            },
            label("render-chart.hv:40"));
    auto failures = std::make_shared<int>(0);
    timers.setInterval(
            context, 400ms,
            [failures] {
                if (++*failures % 2 == 0)
                    throw std::runtime_error("fetch https://api.example/items: connection refused");
            },
            label("sync/fetch-items.hv:21"));
    timers.setInterval(context, 5s, [] {}, label("cleanup.hv:2"));
    timers.setTimeout(context, 30s, [] {}, label("autosave.hv:5"));
    timers.setTimeout(context, 300s, [] {}, label("session-timeout.hv:9"));
    const havel::TimerId retry = timers.setTimeout(context, 8s, [] {}, label("retry-backoff.hv:33"));
    timers.pauseTimer(retry);
    for (int i = 0; i < extra; ++i) {
        const auto period = std::chrono::milliseconds(50 + QRandomGenerator::global()->bounded(5000));
        timers.setInterval(context, period, [] {},
                           havel::TimerOptions{QStringLiteral("generated.hv:%1").arg(100 + i)});
    }
}

} // namespace

int main(int argc, char *argv[])
{
    const QString problem = havel::InspectorWindow::displayError(QStringLiteral("havel-inspector-demo"));
    if (!problem.isEmpty()) {
        std::fprintf(stderr, "havel-inspector-demo: %s\n", qPrintable(problem));
        return 64;
    }
    QGuiApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Shows the timer inspector on demo timers."));
    parser.addHelpOption();
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QStringLiteral("Save the window to <file> and exit."),
                                        QStringLiteral("file"));
    const QCommandLineOption delay(QStringLiteral("delay"),
                                   QStringLiteral("Wait <ms> before the screenshot."),
                                   QStringLiteral("ms"), QStringLiteral("2500"));
    const QCommandLineOption extra(QStringLiteral("timers"),
                                   QStringLiteral("Add <n> more intervals."), QStringLiteral("n"),
                                   QStringLiteral("0"));
    parser.addOptions({screenshot, delay, extra});
    parser.process(app);

    QThread worker;
    worker.setObjectName(QStringLiteral("demo script"));
    QObject context; // lives on the worker thread; the callbacks run there
    context.moveToThread(&worker);
    worker.start();

    int exitCode = 0;
    {
        havel::TimerManager timers;
        const int extraTimers = parser.value(extra).toInt();
        QMetaObject::invokeMethod(&context, [&timers, &context, extraTimers] {
            startDemoTimers(timers, &context, extraTimers);
        });

        havel::InspectorWindow inspector(&timers);
        if (!inspector.show()) {
            std::fprintf(stderr, "havel-inspector-demo: %s\n", qPrintable(inspector.errorString()));
            exitCode = 70;
        } else {
            QObject::connect(&inspector, &havel::InspectorWindow::closed, &app,
                             &QCoreApplication::quit);
            if (parser.isSet(screenshot)) {
                QTimer::singleShot(parser.value(delay).toInt(), &app, [&] {
                    const bool ok = inspector.grabToFile(parser.value(screenshot));
                    if (!ok)
                        std::fprintf(stderr, "havel-inspector-demo: %s\n",
                                     qPrintable(inspector.errorString()));
                    app.exit(ok ? 0 : 70);
                });
            }
            exitCode = app.exec();
        }
        // The manager goes first: it drops every queued callback before the worker stops.
    }
    worker.quit();
    worker.wait();
    return exitCode;
}
