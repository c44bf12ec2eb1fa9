// TimerExport: the inspector's rows as CSV or JSON, for "Copy", "Export" and
// `havel-inspector --attach NAME --export csv|json`.
//
// Raw numbers, as the model holds them (milliseconds, counts), so that a spreadsheet or jq can
// compute with them; the columns are those of the window plus the next fire in ms from now.
#pragma once

#include <QtCore/QList>
#include <QtCore/QString>

namespace havel {

class TimerListModel;

//! Formats rows of a TimerListModel. Thread: the model's (GUI) thread; stateless.
class TimerExport
{
public:
    enum class Format { Csv, Json };

    //! "csv" or "json" (any case); false for anything else.
    static bool parseFormat(const QString &name, Format *format);
    //! Rows @p rows of @p model (all rows when empty), in that order, as @p format text.
    static QString text(const TimerListModel &model, const QList<int> &rows, Format format);
    //! Writes text() to @p path; empty on success, else why not.
    static QString save(const QString &path, const TimerListModel &model, const QList<int> &rows,
                        Format format);
};

} // namespace havel
