// What one `havel` command line asks for, and the few helpers main.cpp and inspectorrun.cpp
// share.
#pragma once

#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtCore/QStringList>

#include <cstdio>
#include <memory>

namespace havel::script {
class ScriptHost;
}

namespace havel::app {

// Exit codes (sysexits.h where one fits); the script's own codes come from the interpreter.
constexpr int kExitOk = 0;
constexpr int kExitUsage = 64;
constexpr int kExitDataError = 65; // the file is not Havel source (as for a syntax error)
constexpr int kExitSoftware = 70; // also: the inspector could not load or save its picture
constexpr int kExitIoError = 74;  // reading the script or writing the output failed (EX_IOERR)

// --screenshot: how long to let the live values render after the script body has finished
// (two model polls at 10 Hz, so fires/s has a delta), unless --screenshot-delay says otherwise.
constexpr int kDefaultScreenshotDelayMs = 200;
// --screenshot: if the body has not finished by then (a long sleep() or loop at top level),
// grab what is there rather than wait for ever.
constexpr int kScreenshotBodyTimeoutMs = 5000;

struct Invocation
{
    enum class Action { Run, Help, HelpAll, Version };
    Action action = Action::Run;
    QString source;
    QString scriptName;     // labels the timers: the file name, "<stdin>" or "<eval>"
    QString scriptPath;     // as given on the command line; empty with -e
    bool exitWhenDone = false;
    bool dumpBytecode = false; // --dump-bytecode: print the compiled script, do not run it
    qint64 maxHeapBytes = -1;  // --max-heap SIZE; -1: the interpreter's default
    bool inspector = false; // --inspector, or implied by --screenshot
    QString screenshotPath; // empty: no --screenshot
    int screenshotDelayMs = kDefaultScreenshotDelayMs;
    // Issue 14: --inspect[=NAME] publishes the timers to havel-inspector --attach.
    bool inspect = false;
    QString inspectName;    // empty: the script's file name
    QString tracePath;      // --trace FILE.json; empty: no trace
};

//! Writes @p text and a newline to @p stream as UTF-8, and flushes it. A failed write to
//! stdout is caught at exit (see watchStandardOutput()).
void printLine(std::FILE *stream, const QString &text);
//! Makes a failed write to stdout an error, never silent: at exit, if any write or the final
//! flush failed, havel says so on stderr and exits with kExitIoError. Call first in main().
void watchStandardOutput();
//! Sends the script's output through checked writes: the first failed write to stdout is
//! reported and ends the run with kExitIoError, rather than the script going on unheard.
//! Call before @p host starts.
void checkScriptOutput(script::ScriptHost &host);

class TraceWriter;
//! `havel --trace FILE.json`: opens @p trace on the invocation's path and makes @p host
//! report every callback to it. True without --trace; false, with the message printed, if
//! the file cannot be written (the caller exits with kExitUsage before running anything).
bool startTraceIfAsked(const Invocation &invocation, script::ScriptHost &host, TraceWriter &trace);
//! Closes the trace of a run that ended with @p exitCode; returns the code to exit with
//! (kExitIoError if the trace could not be written, with a message).
int finishTrace(const Invocation &invocation, TraceWriter &trace, int exitCode);

//! Issue 14: what --inspect and --inspect=NAME ask for, taken out of @p arguments (which then
//! hold a bare --inspect that QCommandLineParser knows). Returns a usage error message, or empty.
QString takeInspectOption(QStringList *arguments, Invocation *invocation);
//! Issue 14: publishes @p host's timers if @p invocation asks for it (see inspectpublish.cpp).
//! Returns the publisher to keep alive for the run (null when not asked), or null with
//! @p error set if publishing failed.
std::unique_ptr<QObject> publishIfAsked(const Invocation &invocation, script::ScriptHost &host,
                                        QString *error);
//! Issue 14: `havel-inspector --list` and `--attach PID|NAME` (attachrun.cpp).
bool isAttachCommand(int argc, char **argv);
int runAttachCommand(int &argc, char **argv);

//! The `havel --inspector` run (in the havel-inspector build only): makes the main thread a QGuiApplication, shows the inspector
//! window, runs the script on the interpreter thread and returns the exit code. Call at most
//! once, before any application object exists, with the process's own @p argc and @p argv.
int runWithInspector(int &argc, char **argv, const Invocation &invocation);

} // namespace havel::app
