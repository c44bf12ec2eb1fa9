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
    m_keys = {{Roles::IdRole, false}};
    setSortRole(Roles::IdRole);
    // The keys carry their own directions (see lessThan); the proxy always sorts ascending.
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
    return m_keys.front().role;
}

bool TimerFilterModel::descending() const
{
    return m_keys.front().descending;
}

QVariantList TimerFilterModel::sortKeysForQml() const
{
    QVariantList keys;
    for (const SortKey &key : m_keys)
        keys.append(QVariantMap{{QStringLiteral("role"), key.role},
                                {QStringLiteral("descending"), key.descending}});
    return keys;
}

bool TimerFilterModel::isTextRole(int role)
{
    return role == Roles::LabelRole || role == Roles::LastErrorRole || role == Roles::ModeRole;
}

void TimerFilterModel::sortBy(int role)
{
    if (m_keys.size() == 1 && m_keys.front().role == role)
        applyKeys({{role, !m_keys.front().descending}});
    else
        applyKeys({{role, startsDescending(role)}});
}

void TimerFilterModel::addSortKey(int role)
{
    QList<SortKey> keys = m_keys;
    const auto it = std::find_if(keys.begin(), keys.end(),
                                 [role](const SortKey &key) { return key.role == role; });
    if (it != keys.end()) {
        it->descending = !it->descending;
    } else {
        // Creation order as the only key is no choice of the user's: replace it.
        if (keys.size() == 1 && keys.front().role == Roles::IdRole && !keys.front().descending)
            keys.clear();
        if (keys.size() == kMaxSortKeys)
            keys.removeLast();
        keys.append({role, startsDescending(role)});
    }
    applyKeys(keys);
}

void TimerFilterModel::setSort(int role, bool descending)
{
    applyKeys({{role, descending}});
}

void TimerFilterModel::setSortKeys(const QList<SortKey> &keys)
{
    applyKeys(keys.isEmpty() ? QList<SortKey>{{Roles::IdRole, false}} : keys.mid(0, kMaxSortKeys));
}

void TimerFilterModel::applyKeys(QList<SortKey> keys)
{
    if (keys == m_keys)
        return;
    m_keys = std::move(keys);
    // QSortFilterProxyModel re-sorts on a dataChanged() of its sort role; the other keys'
    // roles are watched in sourceValuesChanged().
    setSortRole(m_keys.front().role);
    invalidate();
    Q_EMIT sortChanged();
}

void TimerFilterModel::setSourceModel(QAbstractItemModel *model)
{
    if (sourceModel())
        disconnect(sourceModel(), &QAbstractItemModel::dataChanged, this, nullptr);
    QSortFilterProxyModel::setSourceModel(model);
    // Connected after the proxy's own handler, so it sees the rows as the proxy has them.
    if (model) {
        connect(model, &QAbstractItemModel::dataChanged, this,
                [this](const QModelIndex &, const QModelIndex &, const QList<int> &roles) {
                    sourceValuesChanged(roles);
                });
    }
}

void TimerFilterModel::sourceValuesChanged(const QList<int> &roles)
{
    if (m_keys.size() < 2 || m_resortQueued)
        return;
    const bool secondaryChanged = roles.isEmpty()
            || std::any_of(m_keys.begin() + 1, m_keys.end(),
                           [&roles](const SortKey &key) { return roles.contains(key.role); });
    if (!secondaryChanged)
        return;
    // Once per event loop turn, however many ranges one poll changed.
    m_resortQueued = true;
    QMetaObject::invokeMethod(this, [this] {
        m_resortQueued = false;
        invalidate();
    }, Qt::QueuedConnection);
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
    const auto *timers = qobject_cast<const TimerListModel *>(sourceModel());
    const QModelIndex sides[2] = {left, right};
    // The fast path reads numbers without a QVariant (see TimerListModel::numericValue).
    const auto value = [timers, &sides](int side, int role) {
        return timers ? timers->numericValue(sides[side].row(), role)
                      : sides[side].data(role).toDouble();
    };
    const auto text = [&sides](int side, int role) { return sides[side].data(role).toString(); };
    const double pausedValue = double(TimerListModel::State::Paused);
    const auto paused = [&value, pausedValue](int side) {
        return value(side, Roles::StateRole) == pausedValue;
    };
    if (const int order = compareByKeys(value, text, paused); order != 0)
        return order < 0;
    // Ties keep creation order.
    return value(0, Roles::IdRole) < value(1, Roles::IdRole);
}

} // namespace havel
