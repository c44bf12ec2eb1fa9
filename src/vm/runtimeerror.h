#pragma once

#include "value.h"

#include <QtCore/QString>

namespace havel::script {

//! A catchable script error: raised by a built-in or an operator (message only), or by
//! `throw expr` (the thrown value, which is what `catch (e)` then binds).
//! Thread: the interpreter thread only, since the thrown value may own heap objects.
struct RuntimeError
{
    int line = 0;
    QString message;
    Value thrown; //!< the value of `throw expr`; null for built-in errors
    bool isThrow = false;

    //! `[line N] RuntimeError: message`, the form the host prints for an uncaught error.
    QString toString() const { return QStringLiteral("[line %1] RuntimeError: %2").arg(line).arg(message); }
};

//! Raises a built-in runtime error at @p line.
[[noreturn]] inline void fail(int line, const QString &message)
{
    RuntimeError error;
    error.line = line;
    error.message = message;
    throw error;
}

//! Unwinds the running fiber without running catch or finally blocks: exit(), a stop request
//! (SIGINT/SIGTERM) or the end of the run. Never seen by script code.
struct StopUnwind
{
};

} // namespace havel::script
