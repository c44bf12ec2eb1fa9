#include "timerfiltermodel.h"

#include "timerlistmodel.h"

#include <QtCore/QMetaEnum>

namespace havel {

namespace {

using Roles = TimerListModel::Roles;

bool startsDescending(int role)
{
    switch (role) {
    case Roles::IdRole:
    case Roles::KindRole:
    case Roles::LabelRole:
    case Roles::StateRole:
    case Roles::NextDueMsRole:
    case Roles::RemainingMsRole:
    case Roles::LastErrorRole:
    case Roles::ModeRole:
        return false;
    default:
        return true;
    }
}

template<typename Enum>
QString enumKey(const QVariant &value)
{
    return QString::fromLatin1(QMetaEnum::fromType<Enum>().valueToKey(int(value.value<Enum>())));
}

} // namespace

TimerFilterModel::TimerFilterModel(QObject *parent) : QSortFilterProxyModel(parent)
{
    setDynamicSortFilter(true);
    setSortRole(Roles::IdRole);
    sort(0, Qt::AscendingOrder);
}

QString TimerFilterModel::filterText() const
{
    return m_filterText;
}

void TimerFilterModel::setFilterText(const QString &text)
{
    if (text == m_filterText)
        return;
    m_filterText = text;
    invalidateFilter();
    Q_EMIT filterTextChanged();
}

int TimerFilterModel::sortKey() const
{
    return sortRole();
}

bool TimerFilterModel::descending() const
{
    return sortOrder() == Qt::DescendingOrder;
}

void TimerFilterModel::sortBy(int role)
{
    setSort(role, role == sortRole() ? !descending() : startsDescending(role));
}

void TimerFilterModel::setSort(int role, bool descending)
{
    if (role == sortRole() && descending == this->descending())
        return;
    setSortRole(role);
    sort(0, descending ? Qt::DescendingOrder : Qt::AscendingOrder);
    Q_EMIT sortChanged();
}

bool TimerFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QString needle = m_filterText.trimmed();
    if (needle.isEmpty())
        return true;
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    const auto contains = [&needle](const QString &text) {
        return text.contains(needle, Qt::CaseInsensitive);
    };
    const QString id = index.data(Roles::IdRole).toString();
    return contains(index.data(Roles::LabelRole).toString())
            || contains(index.data(Roles::ModeRole).toString())
            || contains(index.data(Roles::LastErrorRole).toString())
            || contains(enumKey<TimerListModel::Kind>(index.data(Roles::KindRole)))
            || contains(enumKey<TimerListModel::State>(index.data(Roles::StateRole)))
            || needle == id || needle == QLatin1Char('#') + id;
}

QVariantList TimerFilterModel::shownIds() const
{
    QVariantList ids;
    ids.reserve(rowCount());
    for (int row = 0; row < rowCount(); ++row)
        ids.append(index(row, 0).data(Roles::IdRole));
    return ids;
}

bool TimerFilterModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    int role = sortRole();
    const auto *timers = qobject_cast<const TimerListModel *>(sourceModel());
    const auto numeric = [timers](const QModelIndex &index, int role) {
        return timers ? timers->numericValue(index.row(), role) : index.data(role).toDouble();
    };
    if (role == Roles::NextDueMsRole) {
        const double pausedValue = double(TimerListModel::State::Paused);
        const bool leftPaused = numeric(left, Roles::StateRole) == pausedValue;
        const bool rightPaused = numeric(right, Roles::StateRole) == pausedValue;
        if (leftPaused != rightPaused) // last in either order: lessThan's sense flips when descending
            return descending() ? leftPaused : rightPaused;
        if (leftPaused)
            role = Roles::RemainingMsRole;
    }
    int order = 0;
    if (role == Roles::LabelRole || role == Roles::LastErrorRole || role == Roles::ModeRole) {
        order = left.data(role).toString().compare(right.data(role).toString(),
                                                   Qt::CaseInsensitive);
    } else if (timers) {
        // The fast path: no QVariant per comparison (see TimerListModel::numericValue).
        const double l = timers->numericValue(left.row(), role);
        const double r = timers->numericValue(right.row(), role);
        order = l < r ? -1 : r < l ? 1 : 0;
    } else {
        const QPartialOrdering o = QVariant::compare(left.data(role), right.data(role));
        order = o == QPartialOrdering::Less ? -1 : o == QPartialOrdering::Greater ? 1 : 0;
    }
    if (order != 0)
        return order < 0;
    // Ties keep creation order whichever way the sort goes.
    const auto idOf = [timers](const QModelIndex &index) {
        return timers ? quint64(timers->numericValue(index.row(), Roles::IdRole))
                      : index.data(Roles::IdRole).toULongLong();
    };
    const quint64 leftId = idOf(left);
    const quint64 rightId = idOf(right);
    return descending() ? leftId > rightId : leftId < rightId;
}

} // namespace havel
