// TimerFilterModel: the filter field and the sortable columns of the inspector.
#pragma once

#include <QtCore/QSortFilterProxyModel>

namespace havel {

//! Filters a TimerListModel by free text and sorts it by one of its roles.
//!
//! The filter matches, case-insensitively, a timer's label, last error, kind, state or id
//! ("#12" or "12"). Sorting is by the raw role value, ties broken by id, so equal rows keep
//! their creation order. The default is creation order (IdRole, ascending). Sorted by next
//! fire, paused timers come last either way, in the order of their frozen remaining time: a
//! paused timer has no next fire.
//!
//! Thread: GUI thread, like the source model.
class TimerFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_PROPERTY(QString filterText READ filterText WRITE setFilterText NOTIFY filterTextChanged)
    Q_PROPERTY(int sortKey READ sortKey NOTIFY sortChanged)
    Q_PROPERTY(bool descending READ descending NOTIFY sortChanged)

public:
    explicit TimerFilterModel(QObject *parent = nullptr);

    QString filterText() const;
    void setFilterText(const QString &text);

    //! The TimerListModel::Roles value rows are sorted by.
    int sortKey() const;
    bool descending() const;

    //! Sorts by @p role; asking for the current key again flips the order. Counts and times
    //! start descending (the busiest first), text and ids ascending.
    Q_INVOKABLE void sortBy(int role);
    //! Sorts by @p role in the given order.
    Q_INVOKABLE void setSort(int role, bool descending);
    //! The ids of the rows the filter lets through, in display order ("Stop all" stops these).
    Q_INVOKABLE QVariantList shownIds() const;

Q_SIGNALS:
    void filterTextChanged();
    void sortChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    QString m_filterText;
};

} // namespace havel
