#pragma once

#include <QtCore/QString>

namespace havel::script {

//! The first syntax error of a script, formatted as `[line N] Error at 'x': message`.
//! Thread: plain value.
struct SyntaxError
{
    int line = 0;
    QString where;   //!< " at 'x'", " at end", or empty for a lexical error
    QString message;

    QString toString() const
    {
        return QStringLiteral("[line %1] Error%2: %3").arg(line).arg(where, message);
    }
};

} // namespace havel::script
