#include "timergroupmodel.h"

#include <QtCore/QHash>

#include <algorithm>
#include <limits>
#include <numeric>

namespace havel {

namespace {

using Roles = TimerListModel::Roles;

bool isTextRole(int role)
{
    return role == Roles::LabelRole || role == Roles::LastErrorRole || role == Roles::ModeRole;
}

//! How a group's figure follows from its members'.
enum class Fold { First, Sum, Max, Min };

Fold foldOf(int role)
{
    switch (role) {
    case Roles::FireCountRole:
    case Roles::FiresPerSecondRole:
    case Roles::SkippedTicksRole:
    case Roles::ErrorCountRole:
        return Fold::Sum;
    case Roles::LastLatenessMsRole:
    case Roles::MaxLatenessMsRole:
    case Roles::LastCallbackMsRole:
    case Roles::MaxCallbackMsRole:
        return Fold::Max;
    case Roles::IdRole:
    case Roles::RemainingMsRole:
        return Fold::Min;
    default:
        return Fold::First; // kind, schedule, mode: one line makes one kind of timer
    }
}

constexpr int kMergeGap = 8;

} // namespace

quint32 TimerGroupModel::Entry::changedRoles(const Entry &other) const
{
    quint32 bits = 0;
    for (int i = 0; i < kRoleCount; ++i) {
        if (numbers[size_t(i)] != other.numbers[size_t(i)])
            bits |= 1u << i;
    }
    const auto bit = [](int role) { return 1u << (role - kFirstRole); };
    if (label != other.label)
        bits |= bit(Roles::LabelRole);
    if (mode != other.mode)
        bits |= bit(Roles::ModeRole);
    if (lastError != other.lastError)
        bits |= bit(Roles::LastErrorRole);
    if (groupSize != other.groupSize)
        bits |= 1u << (GroupSizeRole - kFirstRole);
    if (groupPaused != other.groupPaused)
        bits |= 1u << (GroupPausedRole - kFirstRole);
    if (expanded != other.expanded)
        bits |= 1u << (ExpandedRole - kFirstRole);
    if (inGroup != other.inGroup)
        bits |= 1u << (InGroupRole - kFirstRole);
    return bits;
}

TimerGroupModel::TimerGroupModel(QObject *parent) : QAbstractListModel(parent) { }

TimerFilterModel *TimerGroupModel::source() const
{
    return m_source;
}

void TimerGroupModel::setSource(TimerFilterModel *source)
{
    if (source == m_source)
        return;
    if (m_source)
        disconnect(m_source, nullptr, this, nullptr);
    m_source = source;
    if (source) {
        const auto changed = [this] { scheduleRebuild(); };
        connect(source, &QAbstractItemModel::rowsInserted, this, changed);
        connect(source, &QAbstractItemModel::rowsRemoved, this, changed);
        connect(source, &QAbstractItemModel::rowsMoved, this, changed);
        connect(source, &QAbstractItemModel::dataChanged, this, changed);
        connect(source, &QAbstractItemModel::layoutChanged, this, changed);
        connect(source, &QAbstractItemModel::modelReset, this, changed);
        connect(source, &QObject::destroyed, this, [this] { applyEntries({}); });
    }
    rebuildNow();
    Q_EMIT sourceChanged();
}

void TimerGroupModel::setGrouped(bool grouped)
{
    if (grouped == m_grouped)
        return;
    m_grouped = grouped;
    rebuildNow();
    Q_EMIT groupedChanged();
}

void TimerGroupModel::setExpanded(const QString &label, bool expanded)
{
    if (expanded == m_expanded.contains(label))
        return;
    if (expanded)
        m_expanded.insert(label);
    else
        m_expanded.remove(label);
    rebuildNow();
}

void TimerGroupModel::setAllExpanded(bool expanded)
{
    m_expanded.clear();
    if (expanded) {
        for (const Entry &entry : m_entries) {
            if (entry.groupSize > 0)
                m_expanded.insert(entry.label);
        }
    }
    rebuildNow();
}

int TimerGroupModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

QVariant TimerGroupModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry &entry = m_entries[size_t(index.row())];
    switch (role) {
    case Roles::LabelRole:
        return entry.label;
    case Roles::ModeRole:
        return entry.mode;
    case Roles::LastErrorRole:
        return entry.lastError;
    case Roles::KindRole:
    case Roles::StateRole:
    case Roles::PauseReasonsRole:
        return int(number(entry, role));
    case GroupSizeRole:
        return entry.groupSize;
    case GroupPausedRole:
        return entry.groupPaused;
    case ExpandedRole:
        return entry.expanded;
    case InGroupRole:
        return entry.inGroup;
    default:
        if (role >= kFirstRole && role < kFirstRole + kRoleCount)
            return number(entry, role);
        return {};
    }
}

QHash<int, QByteArray> TimerGroupModel::roleNames() const
{
    QHash<int, QByteArray> names = TimerListModel::timerRoleNames();
    names.insert(GroupSizeRole, "groupSize");
    names.insert(GroupPausedRole, "groupPaused");
    names.insert(ExpandedRole, "expanded");
    names.insert(InGroupRole, "inGroup");
    return names;
}

QVariantList TimerGroupModel::idsAt(int row) const
{
    QVariantList ids;
    if (row < 0 || row >= int(m_entries.size()))
        return ids;
    const Entry &entry = m_entries[size_t(row)];
    if (entry.id != 0) {
        ids.append(entry.id);
        return ids;
    }
    ids.reserve(qsizetype(entry.memberIds.size()));
    for (quint64 id : entry.memberIds)
        ids.append(id);
    return ids;
}

QVariantList TimerGroupModel::idsOfRows(const QVariantList &rows) const
{
    std::vector<int> sorted;
    for (const QVariant &row : rows)
        sorted.push_back(row.toInt());
    std::sort(sorted.begin(), sorted.end());
    QVariantList ids;
    QSet<quint64> seen;
    for (int row : sorted) {
        for (const QVariant &id : idsAt(row)) {
            if (!seen.contains(id.toULongLong())) {
                seen.insert(id.toULongLong());
                ids.append(id);
            }
        }
    }
    return ids;
}

QString TimerGroupModel::keyAt(int row) const
{
    if (row < 0 || row >= int(m_entries.size()))
        return {};
    const Entry &entry = m_entries[size_t(row)];
    return entry.id != 0 ? u't' + QString::number(entry.id) : u'g' + entry.label;
}

QStringList TimerGroupModel::rowKeys() const
{
    QStringList keys;
    keys.reserve(qsizetype(m_entries.size()));
    for (int row = 0; row < int(m_entries.size()); ++row)
        keys.append(keyAt(row));
    return keys;
}

QVariantList TimerGroupModel::idsOfKeys(const QStringList &keys) const
{
    const QSet<QString> wanted(keys.begin(), keys.end());
    QVariantList rows;
    for (int row = 0; row < int(m_entries.size()); ++row) {
        if (wanted.contains(keyAt(row)))
            rows.append(row);
    }
    return idsOfRows(rows);
}

void TimerGroupModel::scheduleRebuild()
{
    if (m_rebuildQueued)
        return;
    // Once per event loop turn: one poll of the list model emits several signals.
    m_rebuildQueued = true;
    QMetaObject::invokeMethod(this, [this] {
        if (m_rebuildQueued)
            rebuildNow();
    }, Qt::QueuedConnection);
}

void TimerGroupModel::rebuildNow()
{
    m_rebuildQueued = false;
    applyEntries(buildEntries());
}

std::vector<TimerGroupModel::Entry> TimerGroupModel::buildEntries() const
{
    std::vector<Entry> rows;
    if (!m_source)
        return rows;
    const auto *timers = qobject_cast<const TimerListModel *>(m_source->sourceModel());
    const QAbstractItemModel *model = m_source->sourceModel();
    const int count = m_source->rowCount();
    rows.reserve(size_t(count));
    for (int r = 0; r < count; ++r) {
        const QModelIndex index = m_source->mapToSource(m_source->index(r, 0));
        Entry entry;
        for (int role = kFirstRole; role < kFirstRole + kRoleCount; ++role) {
            if (!isTextRole(role))
                entry.numbers[size_t(role - kFirstRole)] = timers ? timers->numericValue(index.row(), role)
                                                                 : model->data(index, role).toDouble();
        }
        entry.label = model->data(index, Roles::LabelRole).toString();
        entry.mode = model->data(index, Roles::ModeRole).toString();
        entry.lastError = model->data(index, Roles::LastErrorRole).toString();
        entry.id = quint64(number(entry, Roles::IdRole));
        entry.groupPaused = number(entry, Roles::StateRole) == double(TimerListModel::State::Paused);
        rows.push_back(std::move(entry));
    }
    if (!m_grouped)
        return rows;

    // Labels in the order their first timer is shown, each with its timers' rows.
    std::vector<std::vector<int>> groups;
    QHash<QString, int> groupOfLabel;
    for (int r = 0; r < count; ++r) {
        auto it = groupOfLabel.constFind(rows[size_t(r)].label);
        if (it == groupOfLabel.constEnd()) {
            it = groupOfLabel.insert(rows[size_t(r)].label, int(groups.size()));
            groups.emplace_back();
        }
        groups[size_t(*it)].push_back(r);
    }

    // One top-level entry per label: the timer itself, or its group's figures.
    std::vector<Entry> top;
    top.reserve(groups.size());
    for (const std::vector<int> &members : groups) {
        if (members.size() == 1) {
            top.push_back(rows[size_t(members.front())]);
            continue;
        }
        const Entry &first = rows[size_t(members.front())];
        Entry group;
        group.label = first.label;
        group.mode = first.mode;
        group.groupSize = int(members.size());
        group.expanded = m_expanded.contains(group.label);
        group.numbers = first.numbers;
        quint32 sharedReasons = ~0u;
        double soonestActiveDue = std::numeric_limits<double>::infinity();
        for (int r : members) {
            const Entry &member = rows[size_t(r)];
            group.memberIds.push_back(member.id);
            group.groupPaused += member.groupPaused;
            if (group.lastError.isEmpty())
                group.lastError = member.lastError;
            sharedReasons &= quint32(number(member, Roles::PauseReasonsRole));
            if (!member.groupPaused)
                soonestActiveDue = std::min(soonestActiveDue, number(member, Roles::NextDueMsRole));
            if (r == members.front())
                continue;
            for (int role = kFirstRole; role < kFirstRole + kRoleCount; ++role) {
                double &value = group.numbers[size_t(role - kFirstRole)];
                const double other = number(member, role);
                switch (foldOf(role)) {
                case Fold::Sum: value += other; break;
                case Fold::Max: value = std::max(value, other); break;
                case Fold::Min: value = std::min(value, other); break;
                case Fold::First: break;
                }
            }
        }
        const bool allPaused = group.groupPaused == group.groupSize;
        group.numbers[size_t(Roles::StateRole - kFirstRole)] =
                double(allPaused ? TimerListModel::State::Paused : TimerListModel::State::Active);
        group.numbers[size_t(Roles::PauseReasonsRole - kFirstRole)] = allPaused ? double(sharedReasons) : 0;
        if (!allPaused)
            group.numbers[size_t(Roles::NextDueMsRole - kFirstRole)] = soonestActiveDue;
        top.push_back(std::move(group));
    }

    // The filter model's keys, applied to the groups' figures; ties keep the shown order.
    std::vector<int> order(top.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        const Entry *sides[2] = {&top[size_t(a)], &top[size_t(b)]};
        const auto value = [&](int side, int role) { return number(*sides[side], role); };
        const auto text = [&](int side, int role) {
            return role == Roles::LabelRole ? sides[side]->label
                 : role == Roles::ModeRole  ? sides[side]->mode
                                            : sides[side]->lastError;
        };
        const auto paused = [&](int side) {
            return value(side, Roles::StateRole) == double(TimerListModel::State::Paused);
        };
        return m_source->compareByKeys(value, text, paused) < 0;
    });

    std::vector<Entry> out;
    out.reserve(size_t(count) + groups.size());
    for (int t : order) {
        Entry &entry = top[size_t(t)];
        const bool expanded = entry.groupSize > 0 && entry.expanded;
        const std::vector<int> &members = groups[size_t(t)];
        out.push_back(std::move(entry));
        if (!expanded)
            continue;
        for (int r : members) {
            Entry member = rows[size_t(r)];
            member.inGroup = true;
            out.push_back(std::move(member));
        }
    }
    return out;
}

void TimerGroupModel::applyEntries(std::vector<Entry> &&entries)
{
    const int oldCount = int(m_entries.size());
    const int newCount = int(entries.size());
    int groups = 0;
    int timers = 0;
    for (const Entry &entry : entries) {
        groups += entry.groupSize > 0 ? 1 : 0;
        timers += entry.groupSize > 0 ? entry.groupSize : entry.inGroup ? 0 : 1;
    }
    const bool countsChanged = groups != m_groupCount || timers != m_timerCount;
    m_groupCount = groups;
    m_timerCount = timers;

    bool sameRows = oldCount == newCount;
    for (int i = 0; sameRows && i < newCount; ++i)
        sameRows = m_entries[size_t(i)].sameRow(entries[size_t(i)]);

    if (sameRows) {
        // Only values changed: merged ranges, and nothing at all when nothing changed.
        std::vector<std::pair<int, quint32>> changed;
        for (int i = 0; i < newCount; ++i) {
            if (const quint32 bits = entries[size_t(i)].changedRoles(m_entries[size_t(i)]))
                changed.emplace_back(i, bits);
        }
        m_entries = std::move(entries);
        size_t i = 0;
        while (i < changed.size()) {
            const int first = changed[i].first;
            int last = first;
            quint32 bits = changed[i].second;
            while (++i < changed.size() && changed[i].first - last <= kMergeGap) {
                last = changed[i].first;
                bits |= changed[i].second;
            }
            QList<int> roles;
            for (int b = 0; b < 32; ++b) {
                if (bits & (1u << b))
                    roles.append(kFirstRole + b);
            }
            Q_EMIT dataChanged(index(first), index(last), roles);
        }
    } else {
        // The count first, at the end, then everything else as a new layout, which views
        // take as "every row changed" and keep their delegates and scroll position.
        if (newCount < oldCount) {
            beginRemoveRows({}, newCount, oldCount - 1);
            m_entries.resize(size_t(newCount));
            endRemoveRows();
        } else if (newCount > oldCount) {
            beginInsertRows({}, oldCount, newCount - 1);
            m_entries.insert(m_entries.end(), entries.begin() + oldCount, entries.end());
            endInsertRows();
        }
        Q_EMIT layoutAboutToBeChanged();
        QHash<quint64, int> rowOfTimer;
        QHash<QString, int> rowOfGroup;
        for (int i = 0; i < newCount; ++i) {
            const Entry &entry = entries[size_t(i)];
            if (entry.id != 0)
                rowOfTimer.insert(entry.id, i);
            else
                rowOfGroup.insert(entry.label, i);
        }
        const QModelIndexList from = persistentIndexList();
        QModelIndexList to;
        to.reserve(from.size());
        for (const QModelIndex &old : from) {
            const Entry &entry = m_entries[size_t(old.row())];
            const int row = entry.id != 0 ? rowOfTimer.value(entry.id, -1)
                                          : rowOfGroup.value(entry.label, -1);
            to.append(row >= 0 ? index(row) : QModelIndex());
        }
        m_entries = std::move(entries);
        changePersistentIndexList(from, to);
        Q_EMIT layoutChanged();
    }
    if (countsChanged || !sameRows)
        Q_EMIT rowsRebuilt();
}

} // namespace havel
