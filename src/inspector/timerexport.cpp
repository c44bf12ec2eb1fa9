#include "timerexport.h"

#include "timerlistmodel.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QSaveFile>

#include <cmath>

namespace havel {

namespace {

using Roles = TimerListModel::Roles;

//! A column: its name and how a row gives its value.
struct Column
{
    const char *name;
    int role;
};

// Numbers in the order of the window's columns; text columns are written from their roles.
constexpr Column kColumns[] = {
        {"id", Roles::IdRole},
        {"kind", Roles::KindRole},
        {"label", Roles::LabelRole},
        {"mode", Roles::ModeRole},
        {"state", Roles::StateRole},
        {"paused_by", Roles::PauseReasonsRole},
        {"interval_ms", Roles::IntervalMsRole},
        {"next_fire_in_ms", Roles::NextDueMsRole},
        {"fires", Roles::FireCountRole},
        {"fires_per_s", Roles::FiresPerSecondRole},
        {"skipped_ticks", Roles::SkippedTicksRole},
        {"errors", Roles::ErrorCountRole},
        {"last_error", Roles::LastErrorRole},
        {"last_lateness_ms", Roles::LastLatenessMsRole},
        {"max_lateness_ms", Roles::MaxLatenessMsRole},
        {"last_callback_ms", Roles::LastCallbackMsRole},
        {"max_callback_ms", Roles::MaxCallbackMsRole},
};

QString pausedBy(int reasons)
{
    QStringList parts;
    if (reasons & PauseByUser)
        parts.append(QStringLiteral("user"));
    if (reasons & PauseByMode)
        parts.append(QStringLiteral("mode"));
    return parts.join(u'+');
}

//! The value of @p column in @p row: a number, or text for the text and enum columns.
QJsonValue valueOf(const TimerListModel &model, int row, const Column &column, double nowMs)
{
    const QModelIndex index = model.index(row);
    switch (column.role) {
    case Roles::LabelRole:
    case Roles::ModeRole:
    case Roles::LastErrorRole:
        return index.data(column.role).toString();
    case Roles::KindRole:
        return model.numericValue(row, column.role) == double(TimerListModel::Kind::Interval)
                ? QStringLiteral("interval") : QStringLiteral("timeout");
    case Roles::StateRole:
        return model.numericValue(row, column.role) == double(TimerListModel::State::Paused)
                ? QStringLiteral("paused") : QStringLiteral("active");
    case Roles::PauseReasonsRole:
        return pausedBy(int(model.numericValue(row, column.role)));
    case Roles::NextDueMsRole: {
        // From now; a paused timer's frozen time left.
        const bool paused = model.numericValue(row, Roles::StateRole) == double(TimerListModel::State::Paused);
        const double ms = paused ? model.numericValue(row, Roles::RemainingMsRole)
                                 : model.numericValue(row, Roles::NextDueMsRole) - nowMs;
        return std::round(ms * 1000) / 1000;
    }
    case Roles::IdRole:
    case Roles::IntervalMsRole:
    case Roles::FireCountRole:
    case Roles::SkippedTicksRole:
    case Roles::ErrorCountRole:
        return qint64(model.numericValue(row, column.role));
    default:
        return std::round(model.numericValue(row, column.role) * 1000) / 1000;
    }
}

QString csvField(const QJsonValue &value)
{
    if (!value.isString())
        return QString::number(value.toDouble(), 'g', 15);
    QString text = value.toString();
    if (!text.contains(u',') && !text.contains(u'"') && !text.contains(u'\n') && !text.contains(u'\r'))
        return text;
    text.replace(u'"', QStringLiteral("\"\""));
    return u'"' + text + u'"';
}

} // namespace

bool TimerExport::parseFormat(const QString &name, Format *format)
{
    if (name.compare(QLatin1String("csv"), Qt::CaseInsensitive) == 0)
        *format = Format::Csv;
    else if (name.compare(QLatin1String("json"), Qt::CaseInsensitive) == 0)
        *format = Format::Json;
    else
        return false;
    return true;
}

QString TimerExport::text(const TimerListModel &model, const QList<int> &rows, Format format)
{
    QList<int> chosen = rows;
    if (chosen.isEmpty()) {
        for (int row = 0; row < model.rowCount(); ++row)
            chosen.append(row);
    }
    const double nowMs = model.steadyNowMs();
    if (format == Format::Json) {
        QJsonArray timers;
        for (int row : chosen) {
            if (row < 0 || row >= model.rowCount())
                continue;
            QJsonObject timer;
            for (const Column &column : kColumns)
                timer.insert(QLatin1String(column.name), valueOf(model, row, column, nowMs));
            timers.append(timer);
        }
        return QString::fromUtf8(QJsonDocument(timers).toJson(QJsonDocument::Indented));
    }
    QStringList lines;
    QStringList header;
    for (const Column &column : kColumns)
        header.append(QLatin1String(column.name));
    lines.append(header.join(u','));
    for (int row : chosen) {
        if (row < 0 || row >= model.rowCount())
            continue;
        QStringList fields;
        for (const Column &column : kColumns)
            fields.append(csvField(valueOf(model, row, column, nowMs)));
        lines.append(fields.join(u','));
    }
    return lines.join(u'\n') + u'\n';
}

QString TimerExport::save(const QString &path, const TimerListModel &model, const QList<int> &rows,
                          Format format)
{
    // Written whole or not at all: a full disk leaves no half file under the name.
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("cannot write '%1': %2").arg(path, file.errorString());
    file.write(text(model, rows, format).toUtf8());
    if (!file.commit())
        return QStringLiteral("cannot write '%1': %2").arg(path, file.errorString());
    return {};
}

} // namespace havel
