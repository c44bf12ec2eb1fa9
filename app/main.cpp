// havel: runs a Havel script with the timer module.
//
// The main thread runs only the application's event loop and turns SIGINT/SIGTERM into a
// stop request; the script runs on the interpreter thread that ScriptHost owns. A plain run
// makes the main thread a QCoreApplication and needs no display; `--inspector` (see
// inspectorrun.cpp) makes it a QGuiApplication that shows the timer inspector instead, with
// the run itself unchanged. The command line is therefore read before any application object
// exists: it decides which one to create.
//
// This file is built twice (app/CMakeLists.txt). `havel` links Qt Core only, so plain runs
// start as fast as ever and need no GUI libraries; given --inspector or --screenshot it
// replaces itself (execv, same process id and arguments) with `havel-inspector`, the same
// program built with HAVEL_WITH_INSPECTOR and linked with the inspector and Qt Quick.
#include "invocation.h"
#include "signalwatcher.h"

#include <scripthost.h>

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QLoggingCategory>
#include <QtCore/QStringDecoder>

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace havel::app {

void printLine(std::FILE *stream, const QString &text)
{
    const QByteArray bytes = (text + u'\n').toUtf8();
    std::fwrite(bytes.constData(), 1, std::size_t(bytes.size()), stream);
    std::fflush(stream);
}

void quietDuplicateWarnings()
{
    // The host reports a failed callback itself, as `[line N] RuntimeError in timer ...`; the
    // timer core's own warning about it would say the same thing twice. QT_LOGGING_RULES
    // still turns it back on.
    QLoggingCategory::setFilterRules(QStringLiteral("havel.timers.warning=false"));
}

} // namespace havel::app

namespace {

using havel::app::Invocation;
using havel::app::kExitDataError;
using havel::app::kExitUsage;
using havel::app::printLine;

//! The options havel understands. Thread: main thread.
class CommandLine
{
public:
    CommandLine();

    //! Reads @p arguments (argv[0] first). Returns an exit code when the program should end
    //! right away (a usage error, already reported), else -1 with @p invocation filled in.
    //! Needs no application object, so that its result can decide which one to create.
    int parse(const QStringList &arguments, Invocation *invocation);
    //! The --help text. Call once an application object exists (it names the executable).
    QString helpText() const { return m_parser.helpText().trimmed(); }

private:
    QCommandLineParser m_parser;
    const QCommandLineOption m_exitWhenDone{
            QStringLiteral("exit-when-done"),
            QStringLiteral("Havel's own rule: stop pending timers and exit when the script body ends.")};
    const QCommandLineOption m_eval{QStringList{QStringLiteral("e"), QStringLiteral("eval")},
                                    QStringLiteral("Run <code> instead of a script file."),
                                    QStringLiteral("code")};
    const QCommandLineOption m_inspector{
            QStringLiteral("inspector"),
            QStringLiteral("Show the live timer inspector window while the script runs (needs a "
                           "display, or xvfb-run -a). Closing the window stops the script, exit "
                           "code 0; if the script ends first, the window stays open on its final "
                           "state until closed.")};
    const QCommandLineOption m_screenshot{
            QStringLiteral("screenshot"),
            QStringLiteral("Implies --inspector. Once the script body has set up its timers, save "
                           "the inspector window to <file> (PNG) and end the run. Works headless "
                           "with QT_QPA_PLATFORM=offscreen."),
            QStringLiteral("file")};
    const QCommandLineOption m_screenshotDelay{
            QStringLiteral("screenshot-delay"),
            QStringLiteral("With --screenshot: let the timers run <ms> after the script body "
                           "ends before the picture is taken (default %1).")
                    .arg(havel::app::kDefaultScreenshotDelayMs),
            QStringLiteral("ms")};
    // Issue 14: attach and trace.
    const QCommandLineOption m_inspect{
            QStringLiteral("inspect"),
            QStringLiteral("Publish the script's timers to `havel-inspector --attach` on a socket "
                           "only this user can open. --inspect=NAME names the run (default: the "
                           "script's file name).")};
};

CommandLine::CommandLine()
{
    m_parser.setApplicationDescription(
            QStringLiteral("Runs a Havel script. The host stays alive while referenced timers are "
                           "pending, then exits.\nExit codes: 0 ok, 64 usage, 65 syntax error, "
                           "70 runtime error (or: the inspector failed), 130/143 stopped by "
                           "SIGINT/SIGTERM."));
    m_parser.addHelpOption();
    m_parser.addVersionOption();
    m_parser.addOption(m_exitWhenDone);
    m_parser.addOption(m_eval);
    m_parser.addOption(m_inspector);
    m_parser.addOption(m_screenshot);
    m_parser.addOption(m_screenshotDelay);
    m_parser.addOption(m_inspect);
    m_parser.addPositionalArgument(QStringLiteral("script.hv"), QStringLiteral("The script to run."));
}

int CommandLine::parse(const QStringList &givenArguments, Invocation *invocation)
{
    QStringList arguments = givenArguments;
    if (const QString problem = havel::app::takeInspectOption(&arguments, invocation); !problem.isEmpty()) {
        printLine(stderr, QStringLiteral("havel: %1").arg(problem));
        return kExitUsage;
    }
    if (!m_parser.parse(arguments)) {
        printLine(stderr, QStringLiteral("havel: %1").arg(m_parser.errorText()));
        printLine(stderr, QStringLiteral("Usage: havel [options] script.hv (see --help)"));
        return kExitUsage;
    }
    if (m_parser.isSet(QStringLiteral("help"))) {
        invocation->action = Invocation::Action::Help;
        return -1;
    }
    if (m_parser.isSet(QStringLiteral("version"))) {
        invocation->action = Invocation::Action::Version;
        return -1;
    }

    invocation->exitWhenDone = m_parser.isSet(m_exitWhenDone);
    invocation->screenshotPath = m_parser.value(m_screenshot);
    if (m_parser.isSet(m_screenshot) && invocation->screenshotPath.isEmpty()) {
        printLine(stderr, QStringLiteral("havel: --screenshot needs a file name, such as inspector.png"));
        return kExitUsage;
    }
    // --screenshot is only ever about the inspector's window, so it asks for the inspector.
    invocation->inspector = m_parser.isSet(m_inspector) || m_parser.isSet(m_screenshot);
    if (m_parser.isSet(m_screenshotDelay)) {
        bool ok = false;
        const int delay = m_parser.value(m_screenshotDelay).toInt(&ok);
        if (!m_parser.isSet(m_screenshot)) {
            printLine(stderr, QStringLiteral("havel: --screenshot-delay goes with --screenshot FILE.png"));
            return kExitUsage;
        }
        if (!ok || delay < 0 || delay > 600'000) {
            printLine(stderr, QStringLiteral("havel: --screenshot-delay: '%1' is not a number of "
                                             "milliseconds from 0 to 600000")
                                      .arg(m_parser.value(m_screenshotDelay)));
            return kExitUsage;
        }
        invocation->screenshotDelayMs = delay;
    }

    const QStringList positional = m_parser.positionalArguments();
    if (m_parser.isSet(m_eval)) {
        if (!positional.isEmpty()) {
            printLine(stderr, QStringLiteral("havel: give either -e code or a script file, not both"));
            return kExitUsage;
        }
        invocation->source = m_parser.value(m_eval);
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
    const QByteArray bytes = file.readAll();
    // QString::fromUtf8 would quietly turn bytes that are not UTF-8 into U+FFFD and run a
    // Latin-1 file as if nothing were wrong. Decode strictly, and name the first bad line.
    QStringDecoder decoder(QStringDecoder::Utf8);
    invocation->source = decoder(bytes);
    if (decoder.hasError()) {
        int line = 1;
        for (const QByteArray &text : bytes.split('\n')) {
            QStringDecoder lineDecoder(QStringDecoder::Utf8);
            [[maybe_unused]] const QString decoded = lineDecoder(text);
            if (lineDecoder.hasError())
                break;
            ++line;
        }
        printLine(stderr, QStringLiteral("[line %1] Error: The script is not valid UTF-8.").arg(line));
        return kExitDataError;
    }
    invocation->scriptName = QFileInfo(file.fileName()).fileName();
    invocation->scriptPath = file.fileName();
    return -1;
}

//! argv as QCoreApplication::arguments() would give it, before any application object exists.
QStringList argumentsOf(int argc, char **argv)
{
    QStringList arguments;
    arguments.reserve(argc);
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    return arguments;
}

//! A plain run: no window, no display, the main thread a QCoreApplication.
int runHeadless(int &argc, char **argv, const Invocation &invocation)
{
    QCoreApplication app(argc, argv);
    havel::app::quietDuplicateWarnings();
    havel::script::ScriptHost host;
    QString publishError;
    const std::unique_ptr<QObject> publisher = havel::app::publishIfAsked(invocation, host, &publishError);
    if (!publishError.isEmpty()) {
        printLine(stderr, QStringLiteral("havel: --inspect: %1").arg(publishError));
        return havel::app::kExitSoftware;
    }
    SignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &SignalWatcher::signalled, &host, [&host](int signalNumber) {
        host.requestStop(128 + signalNumber);
    });
    QObject::connect(&host, &havel::script::ScriptHost::finished, &app, &QCoreApplication::exit,
                     Qt::QueuedConnection);
    host.start(invocation.source, invocation.scriptName, invocation.exitWhenDone);
    return app.exec();
}

#if !HAVEL_WITH_INSPECTOR
//! Replaces this process with havel-inspector, from the folder this executable is in, with
//! the same arguments. Returns only if that fails, with the exit code.
int execInspectorBuild(char **argv)
{
    QString folder;
    char self[PATH_MAX];
    if (const ssize_t length = ::readlink("/proc/self/exe", self, sizeof self); length > 0
        && length < ssize_t(sizeof self)) {
        folder = QFileInfo(QString::fromLocal8Bit(self, length)).absolutePath();
    } else {
        folder = QFileInfo(QString::fromLocal8Bit(argv[0])).absolutePath();
    }
    const QString program = folder + QStringLiteral("/havel-inspector");
    std::fflush(nullptr);
    ::execv(QFile::encodeName(program).constData(), argv);
    const int error = errno;
    printLine(stderr, QStringLiteral("havel: --inspector runs %1, which failed to start: %2")
                              .arg(program, QString::fromLocal8Bit(std::strerror(error))));
    return havel::app::kExitSoftware;
}
#endif

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication::setApplicationName(QStringLiteral("havel"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HAVEL_VERSION));

#if HAVEL_WITH_INSPECTOR
    if (havel::app::isAttachCommand(argc, argv)) // issue 14: havel-inspector --list / --attach
        return havel::app::runAttachCommand(argc, argv);
#endif
    CommandLine commandLine;
    Invocation invocation;
    if (const int code = commandLine.parse(argumentsOf(argc, argv), &invocation); code >= 0)
        return code;

    switch (invocation.action) {
    case Invocation::Action::Help: {
        const QCoreApplication app(argc, argv);
        printLine(stdout, commandLine.helpText());
        return 0;
    }
    case Invocation::Action::Version:
        printLine(stdout, QStringLiteral("havel %1").arg(QCoreApplication::applicationVersion()));
        return 0;
    case Invocation::Action::Run:
        break;
    }
#if HAVEL_WITH_INSPECTOR
    if (invocation.inspector)
        return havel::app::runWithInspector(argc, argv, invocation);
#else
    if (invocation.inspector)
        return execInspectorBuild(argv);
#endif
    return runHeadless(argc, argv, invocation);
}
