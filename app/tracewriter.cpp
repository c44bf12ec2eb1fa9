#include "tracewriter.h"

#include "invocation.h"

#include <scripthost.h>

#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>

#include <chrono>
#include <unistd.h>

namespace havel::app {

namespace {

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

double microseconds(qint64 ns)
{
    return double(ns) / 1000.0;
}

//! A metadata event ("ph":"M") @p name for track @p tid of process @p pid.
QByteArray metadata(const QString &name, qint64 pid, qint64 tid, const QJsonObject &args)
{
    // "ts" is not needed by the format, but some readers want every event to have one.
    return compact({{QStringLiteral("ph"), QStringLiteral("M")},
                    {QStringLiteral("ts"), 0},
                    {QStringLiteral("name"), name},
                    {QStringLiteral("pid"), pid},
                    {QStringLiteral("tid"), tid},
                    {QStringLiteral("args"), args}});
}

} // namespace

TraceWriter::~TraceWriter()
{
    QString ignored;
    finish(-1, &ignored);
}

bool TraceWriter::open(const QString &path, const QString &scriptName, QString *error)
{
    std::lock_guard lock(m_lock);
    m_file.setFileName(path);
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        *error = QStringLiteral("cannot write '%1': %2").arg(path, m_file.errorString());
        return false;
    }
    m_startNs = std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::steady_clock::now().time_since_epoch())
                        .count();
    m_pid = qint64(::getpid());
    m_open = true;
    m_file.write("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n");
    writeEvent(metadata(QStringLiteral("process_name"), m_pid, 0,
                        {{QStringLiteral("name"), QStringLiteral("havel %1").arg(scriptName)}}));
    return m_file.error() == QFileDevice::NoError;
}

void TraceWriter::writeEvent(const QByteArray &json)
{
    if (m_events++ > 0)
        m_file.write(",\n");
    m_file.write(json);
}

void TraceWriter::record(const script::FireRecord &fire)
{
    std::lock_guard lock(m_lock);
    if (!m_open)
        return;
    const double ts = microseconds(fire.startNs - m_startNs);
    // Each timer's track is a "thread" whose tid is its id (ids start at 1; the process's
    // own metadata uses tid 0).
    const qint64 tid = qint64(fire.timerId);
    if (!m_named.contains(fire.timerId)) {
        m_named.insert(fire.timerId);
        const QString track = QStringLiteral("#%1 %2 (%3)")
                                     .arg(fire.timerId)
                                     .arg(fire.label, fire.isInterval ? QStringLiteral("interval")
                                                                      : QStringLiteral("timeout"));
        writeEvent(metadata(QStringLiteral("thread_name"), m_pid, tid,
                            {{QStringLiteral("name"), track}}));
        writeEvent(metadata(QStringLiteral("thread_sort_index"), m_pid, tid,
                            {{QStringLiteral("sort_index"), tid}}));
    }
    QJsonObject args{{QStringLiteral("timer"), qint64(fire.timerId)},
                     {QStringLiteral("label"), fire.label},
                     {QStringLiteral("kind"), fire.isInterval ? QStringLiteral("interval")
                                                              : QStringLiteral("timeout")},
                     {QStringLiteral("lateness_ms"), double(fire.latenessNs) / 1e6}};
    QJsonObject event{{QStringLiteral("pid"), m_pid},
                      {QStringLiteral("tid"), tid},
                      {QStringLiteral("ts"), ts}};
    if (fire.coalesced) {
        event.insert(QStringLiteral("ph"), QStringLiteral("i"));
        event.insert(QStringLiteral("s"), QStringLiteral("t"));
        event.insert(QStringLiteral("name"), QStringLiteral("tick skipped: callback still running"));
        event.insert(QStringLiteral("cat"), QStringLiteral("timer,skipped"));
    } else {
        args.insert(QStringLiteral("callback_ms"), double(fire.durationNs) / 1e6);
        if (!fire.error.isEmpty())
            args.insert(QStringLiteral("error"), fire.error);
        event.insert(QStringLiteral("ph"), QStringLiteral("X"));
        event.insert(QStringLiteral("name"), fire.label.isEmpty()
                                                     ? QStringLiteral("timer %1").arg(fire.timerId)
                                                     : fire.label);
        event.insert(QStringLiteral("cat"), fire.error.isEmpty() ? QStringLiteral("timer")
                                                                 : QStringLiteral("timer,error"));
        event.insert(QStringLiteral("dur"), microseconds(fire.durationNs));
        if (!fire.error.isEmpty())
            event.insert(QStringLiteral("cname"), QStringLiteral("terrible"));
    }
    event.insert(QStringLiteral("args"), args);
    writeEvent(compact(event));
}

bool TraceWriter::finish(int exitCode, QString *error)
{
    std::lock_guard lock(m_lock);
    if (!m_open)
        return true;
    m_open = false;
    m_file.write("\n],\"otherData\":");
    m_file.write(compact({{QStringLiteral("producer"), QStringLiteral("havel --trace")},
                          {QStringLiteral("exit_code"), exitCode}}));
    m_file.write("}\n");
    const bool ok = m_file.flush() && m_file.error() == QFileDevice::NoError;
    if (!ok)
        *error = QStringLiteral("cannot write '%1': %2").arg(m_file.fileName(), m_file.errorString());
    m_file.close();
    return ok;
}

bool startTraceIfAsked(const Invocation &invocation, script::ScriptHost &host, TraceWriter &trace)
{
    if (invocation.tracePath.isEmpty())
        return true;
    QString error;
    if (!trace.open(invocation.tracePath, invocation.scriptName, &error)) {
        printLine(stderr, QStringLiteral("havel: --trace: %1").arg(error));
        return false;
    }
    host.setFireObserver([&trace](const script::FireRecord &fire) { trace.record(fire); });
    return true;
}

int finishTrace(const Invocation &invocation, TraceWriter &trace, int exitCode)
{
    if (invocation.tracePath.isEmpty())
        return exitCode;
    QString error;
    if (!trace.finish(exitCode, &error)) {
        printLine(stderr, QStringLiteral("havel: --trace: %1").arg(error));
        return exitCode == kExitOk ? kExitIoError : exitCode;
    }
    return exitCode;
}

} // namespace havel::app
