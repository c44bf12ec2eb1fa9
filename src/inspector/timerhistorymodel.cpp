#include "timerhistorymodel.h"

namespace havel {

TimerHistoryModel::TimerHistoryModel(QObject *parent) : QAbstractListModel(parent) { }

int TimerHistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

QVariant TimerHistoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry &e = m_entries[size_t(index.row())];
    switch (role) {
    case IdRole:
        return QVariant::fromValue(e.status.id);
    case KindRole:
        return int(e.status.kind == TimerKind::Interval);
    case LabelRole:
        return e.status.label;
    case IntervalMsRole:
        return QVariant::fromValue(qint64(e.status.interval.count()));
    case EndRole:
        return QVariant::fromValue(e.end);
    case FireCountRole:
        return QVariant::fromValue(e.status.fireCount);
    case ErrorCountRole:
        return QVariant::fromValue(e.status.errorCount);
    case LastErrorRole:
        return e.status.lastError;
    case EndedAtRole:
        return e.at;
    default:
        return {};
    }
}

QHash<int, QByteArray> TimerHistoryModel::roleNames() const
{
    return {
        {IdRole, "timerId"},       {KindRole, "kind"},
        {LabelRole, "label"},      {IntervalMsRole, "intervalMs"},
        {EndRole, "end"},          {FireCountRole, "fireCount"},
        {ErrorCountRole, "errorCount"}, {LastErrorRole, "lastError"},
        {EndedAtRole, "endedAt"},
    };
}

TimerHistoryModel::End TimerHistoryModel::endOf(const TimerStatus &last)
{
    if (last.errorCount > 0)
        return End::Failed;
    // A timeout seen last before it fired but gone after its due time most likely fired and
    // finished between two polls (a stopped one would have had to be stopped in that instant).
    if (last.kind == TimerKind::Timeout
        && (last.fireCount > 0
            || (last.state == TimerState::Active && last.nextDue <= std::chrono::steady_clock::now())))
        return End::Finished;
    return End::Stopped;
}

void TimerHistoryModel::timerEnded(const TimerStatus &last, const QDateTime &at)
{
    if (int(m_entries.size()) >= kCapacity) {
        const int lastRow = int(m_entries.size()) - 1;
        beginRemoveRows({}, lastRow, lastRow);
        m_entries.pop_back();
        endRemoveRows();
    }
    beginInsertRows({}, 0, 0);
    m_entries.push_front({last, endOf(last), at});
    endInsertRows();
    Q_EMIT countChanged();
}

} // namespace havel
