#include "timerstatuscodec.h"

#include <QtCore/QDataStream>
#include <QtCore/QIODevice>

namespace havel {

namespace {

using namespace std::chrono;

// Bumped whenever the layout changes, so that mismatched builds refuse rather than misread.
constexpr quint32 kMagic = 0x48564c44; // "HVLD"
constexpr quint16 kVersion = 2;

void write(QDataStream &out, const TimerStatus &s)
{
    out << quint64(s.id) << quint8(s.kind) << quint8(s.state) << quint8(s.pauseReasons)
        << qint64(s.interval.count())
        << qint64(s.remaining.count()) << qint64(s.nextDue.time_since_epoch().count())
        << s.fireCount << s.skippedTicks << s.errorCount << s.lastError
        << qint64(s.lastLateness.count()) << qint64(s.maxLateness.count())
        << qint64(s.lastCallbackDuration.count()) << qint64(s.maxCallbackDuration.count())
        << s.label << s.mode;
}

bool read(QDataStream &in, TimerStatus *s)
{
    quint64 id = 0;
    quint8 kind = 0;
    quint8 state = 0;
    quint8 reasons = 0;
    qint64 interval = 0, remaining = 0, nextDue = 0;
    qint64 lastLateness = 0, maxLateness = 0, lastCallback = 0, maxCallback = 0;
    in >> id >> kind >> state >> reasons >> interval >> remaining >> nextDue >> s->fireCount
            >> s->skippedTicks >> s->errorCount >> s->lastError >> lastLateness >> maxLateness
            >> lastCallback >> maxCallback >> s->label >> s->mode;
    if (in.status() != QDataStream::Ok || id == InvalidTimerId || kind > 1 || state > 1)
        return false;
    s->id = id;
    s->kind = TimerKind(kind);
    s->state = TimerState(state);
    s->pauseReasons = reasons;
    s->interval = milliseconds(interval);
    s->remaining = nanoseconds(remaining);
    s->nextDue = steady_clock::time_point(steady_clock::duration(nextDue));
    s->lastLateness = nanoseconds(lastLateness);
    s->maxLateness = nanoseconds(maxLateness);
    s->lastCallbackDuration = nanoseconds(lastCallback);
    s->maxCallbackDuration = nanoseconds(maxCallback);
    return true;
}

} // namespace

QByteArray TimerStatusCodec::encode(const TimerDelta &delta)
{
    QByteArray bytes;
    QDataStream out(&bytes, QIODevice::WriteOnly);
    out.setVersion(QDataStream::Qt_6_4);
    out << kMagic << kVersion << delta.sequence << delta.full << quint32(delta.removed.size());
    for (const TimerId id : delta.removed)
        out << quint64(id);
    out << quint32(delta.changed.size());
    for (const TimerStatus &status : delta.changed)
        write(out, status);
    return bytes;
}

bool TimerStatusCodec::decode(const QByteArray &bytes, TimerDelta *delta)
{
    QDataStream in(bytes);
    in.setVersion(QDataStream::Qt_6_4);
    quint32 magic = 0;
    quint16 version = 0;
    quint32 removed = 0;
    in >> magic >> version >> delta->sequence >> delta->full >> removed;
    // Every entry takes at least 8 bytes: a count larger than the bytes left is a lie.
    if (in.status() != QDataStream::Ok || magic != kMagic || version != kVersion
        || removed > quint32(bytes.size()) / 8)
        return false;
    delta->removed.clear();
    delta->removed.reserve(removed);
    for (quint32 i = 0; i < removed; ++i) {
        quint64 id = 0;
        in >> id;
        delta->removed.append(id);
    }
    quint32 changed = 0;
    in >> changed;
    if (in.status() != QDataStream::Ok || changed > quint32(bytes.size()) / 8)
        return false;
    delta->changed.clear();
    delta->changed.resize(changed);
    for (TimerStatus &status : delta->changed) {
        if (!read(in, &status))
            return false;
    }
    return in.status() == QDataStream::Ok && in.atEnd();
}

bool TimerStatusCodec::differs(const TimerStatus &a, const TimerStatus &b)
{
    if (a.state != b.state || a.pauseReasons != b.pauseReasons || a.mode != b.mode)
        return true;
    if (a.state == TimerState::Paused ? a.remaining != b.remaining : a.nextDue != b.nextDue)
        return true;
    return a.kind != b.kind || a.interval != b.interval || a.fireCount != b.fireCount
            || a.skippedTicks != b.skippedTicks || a.errorCount != b.errorCount
            || a.lastError != b.lastError || a.lastLateness != b.lastLateness
            || a.maxLateness != b.maxLateness || a.lastCallbackDuration != b.lastCallbackDuration
            || a.maxCallbackDuration != b.maxCallbackDuration || a.label != b.label;
}

} // namespace havel
