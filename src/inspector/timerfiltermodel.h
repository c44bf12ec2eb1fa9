// TimerFilterModel: the filter field and the sortable columns of the inspector.
#pragma once

#include "timerlistmodel.h"

#include <QtCore/QSortFilterProxyModel>

namespace havel {

//! Filters a TimerListModel by free text and sorts it by one or more of its roles.
//!
//! The filter matches, case-insensitively, a timer's label, mode, last error, kind, state or
//! id ("#12" or "12"). Sorting is by a list of keys, each a role and a direction, compared in
//! turn on raw role values (a click on a column title makes it the only key, a Shift+click
//! adds it as the next one); ties are broken by id, so equal rows keep their creation order.
//! The default is creation order (IdRole, ascending). By next fire, paused timers come last
//! in either direction, in the order of their frozen remaining time: a paused timer has no
//! next fire.
//!
//! Thread: GUI thread, like the source model.
class TimerFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_PROPERTY(QString filterText READ filterText WRITE setFilterText NOTIFY filterTextChanged)
    Q_PROPERTY(int sortKey READ sortKey NOTIFY sortChanged)
    Q_PROPERTY(bool descending READ descending NOTIFY sortChanged)
    Q_PROPERTY(QVariantList sortKeys READ sortKeysForQml NOTIFY sortChanged)

public:
    //! One key of a sort.
    struct SortKey
    {
        int role;
        bool descending;
        friend bool operator==(const SortKey &a, const SortKey &b)
        {
            return a.role == b.role && a.descending == b.descending;
        }
    };
    //! At most this many keys; a Shift+click beyond them drops the last.
    static constexpr int kMaxSortKeys = 3;

    explicit TimerFilterModel(QObject *parent = nullptr);

    QString filterText() const;
    void setFilterText(const QString &text);

    //! The first key's TimerListModel::Roles value.
    int sortKey() const;
    //! Whether the first key sorts descending.
    bool descending() const;
    //! Every key, first first.
    QList<SortKey> sortKeys() const { return m_keys; }
    //! The keys as [{role, descending}], for the column titles.
    QVariantList sortKeysForQml() const;

    //! Sorts by @p role alone; asking for the only key again flips its order. Counts and
    //! times start descending (the busiest first), text and ids ascending.
    Q_INVOKABLE void sortBy(int role);
    //! Adds @p role as the next sort key (Shift+click); if it is a key already, flips it.
    Q_INVOKABLE void addSortKey(int role);
    //! Sorts by @p role alone, in the given order.
    Q_INVOKABLE void setSort(int role, bool descending);
    //! Sorts by @p keys, first first (an empty list: creation order).
    void setSortKeys(const QList<SortKey> &keys);
    //! The ids of the rows the filter lets through, in display order ("Stop all" stops these).
    Q_INVOKABLE QVariantList shownIds() const;
    //! Also watches @p model's changes of the second and third sort keys' roles.
    void setSourceModel(QAbstractItemModel *model) override;

    //! Orders two rows by the sort keys, without the id tie-break: negative, 0 or positive.
    //! @p value(side, role) gives a numeric role's value and @p text(side, role) a text
    //! role's, for side 0 (left) and 1 (right); @p paused(side) whether that row is paused.
    //! Shared with TimerGroupModel, which orders groups by the same keys.
    template<typename Value, typename Text, typename Paused>
    int compareByKeys(Value value, Text text, Paused paused) const;

Q_SIGNALS:
    void filterTextChanged();
    void sortChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    static bool isTextRole(int role);
    void applyKeys(QList<SortKey> keys);
    void sourceValuesChanged(const QList<int> &roles);

    QString m_filterText;
    QList<SortKey> m_keys;        // never empty
    bool m_resortQueued = false;
};

template<typename Value, typename Text, typename Paused>
int TimerFilterModel::compareByKeys(Value value, Text text, Paused paused) const
{
    for (const SortKey &key : m_keys) {
        int role = key.role;
        if (role == TimerListModel::NextDueMsRole) {
            const bool leftPaused = paused(0);
            const bool rightPaused = paused(1);
            if (leftPaused != rightPaused) // last in either direction
                return leftPaused ? 1 : -1;
            if (leftPaused)
                role = TimerListModel::RemainingMsRole; // the frozen time left
        }
        int order = 0;
        if (isTextRole(role)) {
            order = text(0, role).compare(text(1, role), Qt::CaseInsensitive);
        } else {
            const double l = value(0, role);
            const double r = value(1, role);
            order = l < r ? -1 : r < l ? 1 : 0;
        }
        if (order != 0)
            return key.descending ? -order : order;
    }
    return 0;
}

} // namespace havel
