// TimerHistoryModel: the timers that ended while the inspector watched, newest first.
#pragma once

#include "timertypes.h"

#include <QtCore/QAbstractListModel>
#include <QtCore/QDateTime>

#include <deque>

namespace havel {

//! The last kCapacity timers that left the registry: finished timeouts, stopped timers and
//! timers that failed, each with its final counters and when it ended.
//!
//! A row is added when a poll of TimerListModel no longer finds the timer, so the counters are
//! those of the last poll that saw it (fires in its last ~100 ms may be missing) and the end
//! time is that poll's. The end time is wall-clock time, for display only; nothing is timed
//! with it.
//!
//! Thread: GUI thread, owned by its TimerListModel.
class TimerHistoryModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

public:
    enum class End { Finished, Stopped, Failed };
    Q_ENUM(End)

    enum Roles {
        IdRole = Qt::UserRole + 1, //!< TimerId
        KindRole,                  //!< TimerListModel::Kind as a number
        LabelRole,
        IntervalMsRole,
        EndRole,                   //!< End
        FireCountRole,
        ErrorCountRole,
        LastErrorRole,
        EndedAtRole,               //!< QDateTime (local time)
    };
    Q_ENUM(Roles)

    static constexpr int kCapacity = 200;

    explicit TimerHistoryModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    //! Records @p last, the final status of a timer that has left the registry.
    void timerEnded(const TimerStatus &last, const QDateTime &at);
    //! How a timer with final status @p last ended: one whose callbacks threw failed; a timeout
    //! that fired, or that was due when it went, finished; anything else was stopped.
    static End endOf(const TimerStatus &last);

Q_SIGNALS:
    void countChanged();

private:
    struct Entry
    {
        TimerStatus status;
        End end;
        QDateTime at;
    };
    std::deque<Entry> m_entries; // newest first
};

} // namespace havel
