// TimerGroupModel: the inspector's list, with the timers made on one line folded into a group.
//
// Design
// ------
// A script that calls setInterval() in a loop makes thousands of timers with one label
// ("demo.hv:12"). Shown one row each, they bury everything else. This model reads the rows a
// TimerFilterModel lets through, in its order, and folds every label that two or more of them
// share into one group row: its count, how many are paused, and the members' figures summed
// (fires, fires/s, skipped ticks, errors) or at their worst (lateness, callback time) or
// soonest (next fire). A group is collapsed until expanded; its members then follow it.
// Groups and lone timers are ordered by the filter model's sort keys applied to those
// figures, so sorting by fires/s puts 9,000 timers of 0.1/s (900/s together) above one of
// 100/s.
//
// The rows are rebuilt from the filter model once per event loop turn after it changes (one
// poll of the list model), into a cache that data() reads; the old and new rows are diffed:
// the same rows in the same order give merged dataChanged() ranges of the rows whose values
// changed, so an idle list emits nothing; otherwise rows are inserted or removed at the end
// and the whole list is a layoutChanged() (the view keeps its delegates and scroll position).
//
// Roles: every TimerListModel role (for a group, its figures as above; the pause reasons
// are those all members share), plus the group roles below.
#pragma once

#include "timerfiltermodel.h"

#include <QtCore/QAbstractListModel>
#include <QtCore/QPointer>
#include <QtCore/QSet>

#include <array>
#include <vector>

namespace havel {

//! The filtered, sorted timers with labels shared by several timers folded into groups.
//!
//! Thread: GUI thread, like its source. Creatable from QML (`TimerGroupModel { source: ... }`).
class TimerGroupModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(havel::TimerFilterModel *source READ source WRITE setSource NOTIFY sourceChanged)
    Q_PROPERTY(bool grouped READ grouped WRITE setGrouped NOTIFY groupedChanged)
    Q_PROPERTY(int groupCount READ groupCount NOTIFY rowsRebuilt)
    Q_PROPERTY(int timerCount READ timerCount NOTIFY rowsRebuilt)

public:
    enum GroupRoles {
        //! Timers in the group, for a group row; 0 for a timer's row.
        GroupSizeRole = TimerListModel::ModeRole + 1,
        //! How many of the group's timers are paused (a timer's row: 0 or 1).
        GroupPausedRole,
        //! Whether the group row is expanded.
        ExpandedRole,
        //! Whether the row is a timer shown inside an expanded group.
        InGroupRole,
    };
    Q_ENUM(GroupRoles)

    explicit TimerGroupModel(QObject *parent = nullptr);

    TimerFilterModel *source() const;
    void setSource(TimerFilterModel *source);
    //! Whether labels shared by several timers are folded (default true); off, one row per
    //! timer as the filter model has them.
    bool grouped() const { return m_grouped; }
    void setGrouped(bool grouped);
    //! How many group rows there are.
    int groupCount() const { return m_groupCount; }
    //! How many timers the rows stand for, groups counted by their members.
    int timerCount() const { return m_timerCount; }

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    //! Expands or collapses the group labelled @p label.
    Q_INVOKABLE void setExpanded(const QString &label, bool expanded);
    //! Expands or collapses every group.
    Q_INVOKABLE void setAllExpanded(bool expanded);
    //! The ids of the timers @p row stands for: a group's members, or the one timer.
    Q_INVOKABLE QVariantList idsAt(int row) const;
    //! The ids of the timers rows @p rows stand for, each once, in row order.
    Q_INVOKABLE QVariantList idsOfRows(const QVariantList &rows) const;
    //! A key that names row @p row across rebuilds ("t12" for timer 12, "gdemo.hv:4" for the
    //! group of that label), for a selection that survives sorting; empty for no such row.
    Q_INVOKABLE QString keyAt(int row) const;
    //! The keys of every row, top to bottom (Ctrl+A).
    Q_INVOKABLE QStringList rowKeys() const;
    //! The ids of the timers the rows @p keys name stand for (a group: its members shown now),
    //! each once, in row order; keys of rows no longer shown are skipped.
    Q_INVOKABLE QVariantList idsOfKeys(const QStringList &keys) const;
    //! Rebuilds the rows now (tests; the model otherwise does so after each change).
    Q_INVOKABLE void rebuildNow();

Q_SIGNALS:
    void sourceChanged();
    void groupedChanged();
    //! The rows were rebuilt (group and timer counts may have changed).
    void rowsRebuilt();

private:
    static constexpr int kFirstRole = TimerListModel::IdRole;
    static constexpr int kRoleCount = TimerListModel::ModeRole - TimerListModel::IdRole + 1;

    struct Entry
    {
        //! The timer's id, or 0 for a group row.
        quint64 id = 0;
        QString label;
        QString mode;
        QString lastError;
        std::array<double, kRoleCount> numbers{}; // by role - kFirstRole; text roles unused
        int groupSize = 0;
        int groupPaused = 0;
        bool expanded = false;
        bool inGroup = false;
        std::vector<quint64> memberIds; // a group's members, in the filter model's order
        //! Identifies the row across rebuilds: a timer by id, a group by label.
        bool sameRow(const Entry &other) const
        {
            return id == other.id && (id != 0 || label == other.label);
        }
        //! Which roles differ from @p other, as a bit per role (bit 0: kFirstRole).
        quint32 changedRoles(const Entry &other) const;
    };

    void scheduleRebuild();
    std::vector<Entry> buildEntries() const;
    void applyEntries(std::vector<Entry> &&entries);
    double number(const Entry &entry, int role) const
    {
        return entry.numbers[size_t(role - kFirstRole)];
    }

    QPointer<TimerFilterModel> m_source;
    std::vector<Entry> m_entries;
    QSet<QString> m_expanded; // labels of expanded groups
    bool m_grouped = true;
    bool m_rebuildQueued = false;
    int m_groupCount = 0;
    int m_timerCount = 0;
};

} // namespace havel
