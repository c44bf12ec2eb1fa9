// FireRecord: one timer callback a script ran, as the host tells an observer such as
// `havel --trace` (see ScriptHost::setFireObserver). Values only; no script value leaves the
// interpreter thread through it.
#pragma once

#include <QtCore/QString>
#include <QtCore/QtGlobal>

#include <functional>

namespace havel::script {

//! One delivery of a timer to the script. Thread: made and passed on the interpreter thread.
struct FireRecord
{
    quint64 timerId = 0;
    QString label;           //!< the core's label, "demo.hv:12"
    bool isInterval = false;
    //! Steady-clock ns when the callback's fiber started; its duration (until the fiber
    //! ended, sleeps included). 0 for a coalesced tick.
    qint64 startNs = 0;
    qint64 durationNs = 0;
    //! Callback start minus the fire's deadline, as the timer core measured it.
    qint64 latenessNs = 0;
    //! The runtime error the callback ended with, or empty.
    QString error;
    //! The tick found the previous callback of this interval still running and was merged
    //! into it: nothing ran (the core counts it in skippedTicks).
    bool coalesced = false;
};

//! Called on the interpreter thread once per callback, when its fiber ends, and once per
//! coalesced tick. Must be cheap: it runs between script code.
using FireObserver = std::function<void(const FireRecord &)>;

} // namespace havel::script
