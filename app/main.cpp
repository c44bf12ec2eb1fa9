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
#include "tracewriter.h"

#include <interpreter.h>
#include <scripthost.h>

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QLoggingCategory>
#include <QtCore/QStringDecoder>

#include <atomic>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace havel::app {

namespace {

// Set once a failed write to stdout has been reported, so that it is reported only once.
std::atomic_flag stdoutFailureReported;

void reportStdoutFailure(int error)
{
    if (stdoutFailureReported.test_and_set())
        return;
    const QByteArray message = "havel: cannot write to standard output: "
            + QByteArray(std::strerror(error)) + '\n';
    [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, message.constData(),
                                                     std::size_t(message.size()));
}

//! Writes all of @p bytes and flushes. False, with errno set, if either failed.
bool writeAll(std::FILE *stream, const QByteArray &bytes)
{
    const std::size_t size = std::size_t(bytes.size());
    return std::fwrite(bytes.constData(), 1, size, stream) == size && std::fflush(stream) == 0;
}

} // namespace

void printLine(std::FILE *stream, const QString &text)
{
    if (!writeAll(stream, (text + u'\n').toUtf8()) && stream == stdout)
        reportStdoutFailure(errno ? errno : EIO); // the exit code comes at exit
}

void watchStandardOutput()
{
    // Like coreutils' close_stdout: the C library keeps a failed write in stdout's error
    // flag, and the last buffered bytes only fail when they are flushed at exit.
    std::atexit([] {
        errno = 0;
        const bool flushed = std::fflush(stdout) == 0;
        const int error = errno;
        if (flushed && !std::ferror(stdout))
            return;
        reportStdoutFailure(error ? error : EIO);
        ::_exit(kExitIoError);
    });
}

void checkScriptOutput(script::ScriptHost &host)
{
    // Called on the interpreter thread; requestStop() is thread-safe, the first request wins.
    host.setOutput(
            [&host](const QString &text) {
                if (!writeAll(stdout, text.toUtf8())) {
                    reportStdoutFailure(errno ? errno : EIO);
                    host.requestStop(kExitIoError);
                }
            },
            [&host](const QString &text) {
                // Nowhere left to say it, but the run still ends as failed.
                if (!writeAll(stderr, text.toUtf8()))
                    host.requestStop(kExitIoError);
            });
}

} // namespace havel::app

namespace {

using havel::app::Invocation;
using havel::app::kExitDataError;
using havel::app::kExitIoError;
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
    //! Prints the --help-all text (with Qt's options) and exits. Call once an application
    //! object exists.
    void showHelpAll(const QStringList &arguments) { m_parser.process(arguments); }

private:
    QCommandLineParser m_parser;
    const QCommandLineOption m_exitWhenDone{
            QStringLiteral("exit-when-done"),
            QStringLiteral("Havel's own rule: stop pending timers and exit when the script body ends.")};
    const QCommandLineOption m_eval{QStringList{QStringLiteral("e"), QStringLiteral("eval")},
                                    QStringLiteral("Run <code> instead of a script file. Given "
                                                   "more than once, the pieces of code are "
                                                   "joined in order, one per line, and run as "
                                                   "one script."),
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
    const QCommandLineOption m_dumpBytecode{
            QStringLiteral("dump-bytecode"),
            QStringLiteral("Print the script's compiled bytecode instead of running it (for "
                           "whoever works on the engine).")};
    const QCommandLineOption m_maxHeap{
            QStringLiteral("max-heap"),
            QStringLiteral("The most memory the script may use, such as 64M or 2G (default 1G; 0: "
                           "no limit). Past it, an allocation raises the catchable runtime error "
                           "OutOfMemory."),
            QStringLiteral("size")};
    const QCommandLineOption m_screenshotDelay{
            QStringLiteral("screenshot-delay"),
            QStringLiteral("With --screenshot: let the timers run <ms> after the script body "
                           "ends before the picture is taken (default %1).")
                    .arg(havel::app::kDefaultScreenshotDelayMs),
            QStringLiteral("ms")};
    const QCommandLineOption m_trace{
            QStringLiteral("trace"),
            QStringLiteral("Write every timer callback (timer id, label, lateness, callback time, "
                           "error) to <file> in the Chrome trace-event format, for Perfetto "
                           "(ui.perfetto.dev) or chrome://tracing. The file is complete however "
                           "the run ends (its end, an error, SIGINT)."),
            QStringLiteral("file")};
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
                           "70 runtime error (or: the inspector failed), 74 I/O error (reading "
                           "the script, writing its output), 130/143 stopped by SIGINT/SIGTERM."));
    m_parser.addHelpOption();
    m_parser.addVersionOption();
    m_parser.addOption(m_exitWhenDone);
    m_parser.addOption(m_eval);
    m_parser.addOption(m_inspector);
    m_parser.addOption(m_screenshot);
    m_parser.addOption(m_screenshotDelay);
    m_parser.addOption(m_dumpBytecode);
    m_parser.addOption(m_maxHeap);
    m_parser.addOption(m_inspect);
    m_parser.addOption(m_trace);
    m_parser.addPositionalArgument(
            QStringLiteral("script.hv"),
            QStringLiteral("The script to run; - reads it from standard input. A first line "
                           "that starts with #! is skipped, so `#!/usr/bin/env havel` makes a "
                           "script executable."));
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
    if (m_parser.isSet(QStringLiteral("help-all"))) {
        invocation->action = Invocation::Action::HelpAll;
        return -1;
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
    invocation->dumpBytecode = m_parser.isSet(m_dumpBytecode);
    if (m_parser.isSet(m_maxHeap)) {
        // A number of bytes, or with a K, M or G suffix (powers of 1024).
        QString text = m_parser.value(m_maxHeap).trimmed().toUpper();
        if (text.endsWith(u'B') && text.size() > 1 && !text.at(text.size() - 2).isDigit())
            text.chop(1);
        qint64 unit = 1;
        if (text.endsWith(u'K') || text.endsWith(u'M') || text.endsWith(u'G')) {
            unit = text.endsWith(u'K') ? 1024 : text.endsWith(u'M') ? 1024 * 1024 : 1024 * 1024 * 1024;
            text.chop(1);
        }
        bool ok = false;
        const double number = text.toDouble(&ok);
        if (!ok || number < 0 || number * double(unit) > 1e15) {
            printLine(stderr, QStringLiteral("havel: --max-heap: '%1' is not a size such as 64M or 2G")
                                      .arg(m_parser.value(m_maxHeap)));
            return kExitUsage;
        }
        invocation->maxHeapBytes = qint64(number * double(unit));
    }
    invocation->tracePath = m_parser.value(m_trace);
    if (m_parser.isSet(m_trace) && invocation->tracePath.isEmpty()) {
        printLine(stderr, QStringLiteral("havel: --trace needs a file name, such as trace.json"));
        return kExitUsage;
    }
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
        invocation->source = m_parser.values(m_eval).join(u'\n');
        invocation->scriptName = QStringLiteral("<eval>");
        return -1;
    }
    if (positional.size() != 1) {
        printLine(stderr, positional.isEmpty()
                                  ? QStringLiteral("havel: no script given. Usage: havel [options] script.hv (see --help)")
                                  : QStringLiteral("havel: one script at a time. Usage: havel [options] script.hv"));
        return kExitUsage;
    }
#if !HAVEL_WITH_INSPECTOR
    // This process is about to become havel-inspector (execInspectorBuild), which reads the
    // script itself: standard input can be read only once.
    if (invocation->inspector)
        return -1;
#endif
    const bool fromStdin = positional.front() == QLatin1String("-");
    QFile file(positional.front());
    const QString shownName = fromStdin ? QStringLiteral("standard input") : u'\'' + file.fileName() + u'\'';
    const bool opened = fromStdin ? file.open(stdin, QIODevice::ReadOnly)
                                  : !QFileInfo(file.fileName()).isDir() && file.open(QIODevice::ReadOnly);
    if (!opened) {
        printLine(stderr, QStringLiteral("havel: cannot read %1: %2")
                                  .arg(shownName,
                                       QFileInfo(file.fileName()).isDir() ? QStringLiteral("Is a directory")
                                                                          : file.errorString()));
        return kExitUsage;
    }
    QByteArray bytes = file.readAll();
    // A read that fails part-way (an I/O error, /proc/self/mem) must not run what came before
    // it, nor an empty script, as if all were well.
    if (file.error() != QFileDevice::NoError) {
        printLine(stderr, QStringLiteral("havel: cannot read %1: %2").arg(shownName, file.errorString()));
        return kExitIoError;
    }
    // `#!/usr/bin/env havel`: the kernel runs `havel ./s.hv`. The line is blanked, not
    // removed, so that line numbers stay those of the file.
    if (bytes.startsWith("#!"))
        bytes.remove(0, bytes.indexOf('\n') < 0 ? bytes.size() : bytes.indexOf('\n'));
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
    if (fromStdin) {
        invocation->scriptName = QStringLiteral("<stdin>");
    } else {
        invocation->scriptName = QFileInfo(file.fileName()).fileName();
        invocation->scriptPath = file.fileName();
    }
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
    havel::app::TraceWriter trace; // outlives the host, whose thread writes to it
    havel::script::ScriptHost host;
    if (!havel::app::startTraceIfAsked(invocation, host, trace))
        return kExitUsage;
    havel::app::checkScriptOutput(host);
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
    host.setMaxHeapBytes(invocation.maxHeapBytes);
    if (!invocation.scriptPath.isEmpty())
        host.setModuleDirectory(QFileInfo(invocation.scriptPath).absolutePath());
    host.start(invocation.source, invocation.scriptName, invocation.exitWhenDone);
    const int exitCode = app.exec();
    return havel::app::finishTrace(invocation, trace, exitCode);
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
    havel::app::watchStandardOutput();

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
    case Invocation::Action::HelpAll: {
        // Qt's own options (-platform, ...) are known only to an application object, and only
        // QCommandLineParser::process() lists them. It prints the text and exits with 0.
        const QCoreApplication app(argc, argv);
        commandLine.showHelpAll(app.arguments());
        return 0;
    }
    case Invocation::Action::Version:
        printLine(stdout, QStringLiteral("havel %1").arg(QCoreApplication::applicationVersion()));
        return 0;
    case Invocation::Action::Run:
        break;
    }
    if (invocation.dumpBytecode) {
        const QCoreApplication app(argc, argv);
        bool ok = false;
        const QString text = havel::script::Interpreter::dumpBytecode(invocation.source, &ok);
        std::fputs(text.toUtf8().constData(), ok ? stdout : stderr);
        return ok ? havel::app::kExitOk : havel::app::kExitDataError;
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
