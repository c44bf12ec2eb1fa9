// ScriptProbe: what an observer (the inspector) may read about the interpreter thread, from
// any thread, for the price of two relaxed atomic loads.
//
// The interpreter writes it: the line of each statement as it starts, and the moment it
// leaves its event loop to run script code (the body, a timer callback) or 0 when it is back
// in an event loop (idle, or waiting inside sleep()/wait()). From these the inspector tells
// "interpreter busy for 10 s at demo.hv:12". Whatever engine runs the script must keep these
// two fields current; they are the whole contract.
#pragma once

#include <QtCore/QtGlobal>

#include <atomic>

namespace havel::script {

//! Written by the interpreter thread only, read by any thread.
struct ScriptProbe
{
    //! Line of the statement being run (0 before the first one).
    std::atomic<int> line{0};
    //! Steady-clock ns at which the interpreter last left its event loop to run script code;
    //! 0 while it waits in an event loop.
    std::atomic<qint64> busySinceNs{0};
};

} // namespace havel::script
