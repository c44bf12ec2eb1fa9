// TimerStatusCodec: timer statuses as the bytes of an InspectorChannel delta.
#pragma once

#include "timertypes.h"

#include <QtCore/QByteArray>
#include <QtCore/QList>

#include <vector>

namespace havel {

//! One delta of the inspector channel: a sequence number, whether it replaces everything the
//! replica has (a full snapshot), the ids that went away and the statuses that are new or
//! changed, in id order.
struct TimerDelta
{
    quint64 sequence = 0;
    bool full = false;
    QList<TimerId> removed;
    std::vector<TimerStatus> changed;
};

//! Encodes and decodes TimerDelta with QDataStream. Stateless; any thread.
class TimerStatusCodec
{
public:
    static QByteArray encode(const TimerDelta &delta);
    //! False for bytes that are not a well-formed delta (truncated, a bad version, absurd
    //! counts); @p delta is then unspecified.
    static bool decode(const QByteArray &bytes, TimerDelta *delta);
    //! Whether @p a and @p b differ in anything a viewer shows; time moving on alone (an
    //! active timer's remaining time, a paused one's due time) is no difference.
    static bool differs(const TimerStatus &a, const TimerStatus &b);
};

} // namespace havel
