// Example 2: a GUI Havel host. A Qt Quick window runs a Havel script on its interpreter
// thread, shows what the script's timers drive, and the live timer inspector beside it.
//
//   gui-host                      the bundled clock script
//   gui-host script.hv            another script
//   gui-host --screenshot a.png   save the window after --after ms (default 3500), then quit
#include "hostwindow.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QTimer>
#include <QtGui/QGuiApplication>
#include <QtGui/QImage>
#include <QtQuick/QQuickWindow>

#include <cstdio>

int main(int argc, char *argv[])
{
    QGuiApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("A Qt Quick host for Havel scripts, with the timer inspector."));
    parser.addHelpOption();
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QStringLiteral("Save the window to <file> and quit."),
                                        QStringLiteral("file"));
    const QCommandLineOption after(QStringLiteral("after"),
                                   QStringLiteral("With --screenshot: wait <ms> first."),
                                   QStringLiteral("ms"), QStringLiteral("3500"));
    parser.addOptions({screenshot, after});
    parser.addPositionalArgument(QStringLiteral("script.hv"), QStringLiteral("The script (default: the clock)."));
    parser.process(app);

    const QStringList positional = parser.positionalArguments();
    QFile file(positional.isEmpty() ? QStringLiteral(":/qt/qml/HavelGuiHost/clock.hv") : positional.front());
    if (!file.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "gui-host: cannot read %s: %s\n", qPrintable(file.fileName()),
                     qPrintable(file.errorString()));
        return 66;
    }
    HostWindow host(QFileInfo(file.fileName()).fileName());
    if (!host.start(QString::fromUtf8(file.readAll()))) {
        std::fprintf(stderr, "gui-host: %s\n", qPrintable(host.errorString()));
        return 70;
    }
    // The window stays open on the final state when the script ends; closing it quits.
    if (parser.isSet(screenshot)) {
        QTimer::singleShot(parser.value(after).toInt(), &host, [&] {
            const bool saved = host.window()->grabWindow().save(parser.value(screenshot));
            if (!saved)
                std::fprintf(stderr, "gui-host: cannot save %s\n", qPrintable(parser.value(screenshot)));
            app.exit(saved ? 0 : 70);
        });
    }
    return app.exec();
}
