// havel: runs a Havel script with the timer module.
//
// The main thread runs only the application's event loop and turns SIGINT/SIGTERM into a
// stop request; the script runs on the interpreter thread that ScriptHost owns. That split
// lets the inspector later make the main thread a QGuiApplication without touching the run.
#include "signalwatcher.h"

#include <scripthost.h>

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QLoggingCategory>

#include <csignal>
#include <cstdio>

namespace {

constexpr int kExitUsage = 64;

struct Invocation
{
    QString source;
    QString scriptName;
    bool exitWhenDone = false;
};

void printLine(std::FILE *stream, const QString &text)
{
    const QByteArray bytes = (text + u'\n').toUtf8();
    std::fwrite(bytes.constData(), 1, std::size_t(bytes.size()), stream);
    std::fflush(stream);
}

//! Reads the command line. Returns an exit code when the program should end right away
//! (--help, --version, a usage error), else -1 with @p invocation filled in.
int parseCommandLine(const QCoreApplication &app, Invocation *invocation)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
            QStringLiteral("Runs a Havel script. The host stays alive while referenced timers are "
                           "pending, then exits.\nExit codes: 0 ok, 64 usage, 65 syntax error, "
                           "70 runtime error, 130/143 stopped by SIGINT/SIGTERM."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption exitWhenDone(
            QStringLiteral("exit-when-done"),
            QStringLiteral("Havel's own rule: stop pending timers and exit when the script body ends."));
    const QCommandLineOption eval(QStringList{QStringLiteral("e"), QStringLiteral("eval")},
                                  QStringLiteral("Run <code> instead of a script file."),
                                  QStringLiteral("code"));
    parser.addOption(exitWhenDone);
    parser.addOption(eval);
    parser.addPositionalArgument(QStringLiteral("script.hv"), QStringLiteral("The script to run."));

    if (!parser.parse(app.arguments())) {
        printLine(stderr, QStringLiteral("havel: %1").arg(parser.errorText()));
        printLine(stderr, QStringLiteral("Usage: havel [options] script.hv (see --help)"));
        return kExitUsage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        printLine(stdout, parser.helpText().trimmed());
        return 0;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        printLine(stdout, QStringLiteral("havel %1").arg(app.applicationVersion()));
        return 0;
    }

    invocation->exitWhenDone = parser.isSet(exitWhenDone);
    const QStringList positional = parser.positionalArguments();
    if (parser.isSet(eval)) {
        if (!positional.isEmpty()) {
            printLine(stderr, QStringLiteral("havel: give either -e code or a script file, not both"));
            return kExitUsage;
        }
        invocation->source = parser.value(eval);
        invocation->scriptName = QStringLiteral("<eval>");
        return -1;
    }
    if (positional.size() != 1) {
        printLine(stderr, positional.isEmpty()
                                  ? QStringLiteral("havel: no script given. Usage: havel [options] script.hv (see --help)")
                                  : QStringLiteral("havel: one script at a time. Usage: havel [options] script.hv"));
        return kExitUsage;
    }
    QFile file(positional.front());
    if (QFileInfo(file.fileName()).isDir() || !file.open(QIODevice::ReadOnly)) {
        printLine(stderr, QStringLiteral("havel: cannot read '%1': %2")
                                  .arg(file.fileName(),
                                       QFileInfo(file.fileName()).isDir() ? QStringLiteral("Is a directory")
                                                                          : file.errorString()));
        return kExitUsage;
    }
    invocation->source = QString::fromUtf8(file.readAll());
    invocation->scriptName = QFileInfo(file.fileName()).fileName();
    return -1;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("havel"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HAVEL_VERSION));
    // The host reports a failed callback itself, as `[line N] RuntimeError in timer ...`; the
    // timer core's own warning about it would say the same thing twice. QT_LOGGING_RULES
    // still turns it back on.
    QLoggingCategory::setFilterRules(QStringLiteral("havel.timers.warning=false"));

    Invocation invocation;
    if (const int code = parseCommandLine(app, &invocation); code >= 0)
        return code;

    havel::script::ScriptHost host;
    SignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &SignalWatcher::signalled, &host, [&host](int signalNumber) {
        host.requestStop(128 + signalNumber);
    });
    QObject::connect(&host, &havel::script::ScriptHost::finished, &app, &QCoreApplication::exit,
                     Qt::QueuedConnection);
    host.start(invocation.source, invocation.scriptName, invocation.exitWhenDone);
    return app.exec();
}
