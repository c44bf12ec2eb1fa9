// TraceWriter: `havel --trace FILE.json`, every timer callback of a run in the Chrome
// trace-event format, which Perfetto (ui.perfetto.dev) and chrome://tracing open.
//
// The file is the JSON object form, {"traceEvents": [...], "displayTimeUnit": "ms",
// "otherData": {...}}: metadata events ("ph":"M") name the process after the script and give
// each timer a track of its own (a "thread" named "#3 demo.hv:12 (interval)"), because
// callbacks of different timers interleave on the one interpreter thread (a callback that
// sleeps lets others run) and complete events on one track must nest. Each callback is one
// complete event ("ph":"X": ts and dur in µs from the start of the run), its args the timer
// id, label, kind, lateness and error; a tick merged into a callback still running is an
// instant event ("ph":"i"). Failed callbacks are in the category "timer,error".
//
// The file is opened before the script runs (a bad path is a usage error then, not a lost
// trace later) and closed by finish() whatever ended the run (the script, an error, SIGINT),
// so it is valid JSON unless the process is killed outright.
#pragma once

#include <firerecord.h>

#include <QtCore/QFile>
#include <QtCore/QSet>
#include <QtCore/QString>

#include <mutex>

namespace havel::app {

//! Writes one run's trace file.
//!
//! Thread: created, opened and finished on the main thread; record() is called on the
//! interpreter thread (ScriptHost's fire observer) between the two. m_lock orders the two
//! threads' use of the file, for ThreadSanitizer too, which cannot see Qt's own ordering.
class TraceWriter
{
public:
    TraceWriter() = default;
    ~TraceWriter();
    TraceWriter(const TraceWriter &) = delete;
    TraceWriter &operator=(const TraceWriter &) = delete;

    //! Creates @p path and writes the header. False, with @p error set, if it cannot.
    bool open(const QString &path, const QString &scriptName, QString *error);
    //! Appends one callback (or coalesced tick). Any thread, between open() and finish().
    void record(const script::FireRecord &fire);
    //! Closes the event list and the file, noting @p exitCode; later records are dropped.
    //! False, with @p error set, if the file could not be written.
    bool finish(int exitCode, QString *error);

private:
    void writeEvent(const QByteArray &json); // m_lock held

    std::mutex m_lock;
    QFile m_file;                 // guarded by m_lock
    QSet<quint64> m_named;        // timers given a track name; guarded by m_lock
    qint64 m_startNs = 0;         // steady ns at open(), the trace's time 0; guarded by m_lock
    qint64 m_pid = 0;             // guarded by m_lock
    qint64 m_events = 0;          // guarded by m_lock
    bool m_open = false;          // guarded by m_lock
};

} // namespace havel::app
