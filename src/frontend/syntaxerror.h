#pragma once

#include <QtCore/QString>

namespace havel::script {

//! The first syntax error of a script, formatted as `[line N] Error at 'x': message`.
//! Thread: plain value.
struct SyntaxError
{
    int line = 0;
    QString where;   //!< " at 'x'" (cut to Token::excerpt()), " at end", or empty for a lexical error
    QString message;
    //! The parse did not fail: it was cancelled (a stop request), and there is nothing to report.
    bool interrupted = false;

    QString toString() const
    {
        return QStringLiteral("[line %1] Error%2: %3").arg(line).arg(where, message);
    }
};

} // namespace havel::script
