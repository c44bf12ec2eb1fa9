// TimerListModel: the live timers of one TimerManager as a list model for the inspector.
//
// Design
// ------
// The model polls TimerManager::snapshot() on its own thread (the GUI thread) with a QTimer,
// every pollInterval ms (100 by default, so at most about 10 updates a second). Reading a
// snapshot takes the registry's shared lock briefly and costs the timer thread no work per fire,
// whatever the number of timers or observers. Each poll is diffed against the rows the model
// holds, which like the snapshot are in creation (= id) order:
//
//  * rows that vanished are removed in contiguous runs, rows that appeared are inserted in
//    contiguous runs, so a cleanupAllTimers() of 10,000 timers is one beginRemoveRows();
//  * changed rows are gathered into ranges, with gaps of a few unchanged rows merged away, and
//    never more than kMaxDataChangedPerPoll dataChanged() signals leave one poll, however many
//    timers fired.
//
// Roles hold raw values (milliseconds as numbers, kind and state as enums); the view formats
// them. The countdown to the next fire is not a role that would change on every poll: the view
// computes it from NextDueMsRole and steadyNowMs(), which share the steady clock's epoch.
//
// Fires per second come from fireCount deltas over a sliding window that suits each timer's
// period (rateWindow(): eight periods, at least kMinRateWindow and at most kMaxRateWindow), so
// a 50 ms interval reads a steady 20/s over 2 s and a 5 s one a steady 0.2/s over 40 s
// instead of 0 and 0.5 in turn. Each row keeps the poll times at which its count changed
// (kRateSamples of them), timed with the steady clock, never the wall clock.
#pragma once

#include "timersource.h"
#include "timertypes.h"

#include <QtCore/QAbstractListModel>
#include <QtCore/QList>
#include <QtCore/QPointer>
#include <QtCore/QTimer>

#include <array>
#include <chrono>
#include <deque>
#include <memory>
#include <vector>

namespace havel {

class TimerHistoryModel;
class TimerManager;

//! The live timers of a TimerManager, one row per timer in creation order, refreshed by polling.
//!
//! Thread: lives on the GUI thread (the thread that creates it) and is used only there; it only
//! reads the manager through its any-thread observer interface and control functions.
//! It does not own the manager; if the manager is destroyed, the model empties itself.
class TimerListModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(int pollInterval READ pollInterval WRITE setPollInterval NOTIFY pollIntervalChanged)
    Q_PROPERTY(int liveCount READ liveCount NOTIFY statsChanged)
    Q_PROPERTY(int pausedCount READ pausedCount NOTIFY statsChanged)
    Q_PROPERTY(double firesPerSecond READ firesPerSecond NOTIFY statsChanged)
    Q_PROPERTY(qint64 totalErrors READ totalErrors NOTIFY statsChanged)
    Q_PROPERTY(int failingCount READ failingCount NOTIFY statsChanged)
    Q_PROPERTY(QList<qreal> latenessHistory READ latenessHistory NOTIFY statsChanged)
    Q_PROPERTY(double worstLatenessMs READ worstLatenessMs NOTIFY statsChanged)
    Q_PROPERTY(QList<int> latenessBuckets READ latenessBuckets NOTIFY statsChanged)
    Q_PROPERTY(QList<qreal> latenessBucketEdgesMs READ latenessBucketEdgesMs CONSTANT)
    Q_PROPERTY(double busyForMs READ busyForMs NOTIFY activityChanged)
    Q_PROPERTY(QString busyAt READ busyAt NOTIFY activityChanged)
    Q_PROPERTY(havel::TimerHistoryModel *history READ history CONSTANT)

public:
    enum class Kind { Timeout, Interval };
    Q_ENUM(Kind)
    enum class State { Active, Paused };
    Q_ENUM(State)
    //! The bits of PauseReasonsRole (havel::PauseReason).
    enum PauseReasonBit { PausedByUser = PauseByUser, PausedByMode = PauseByMode };
    Q_ENUM(PauseReasonBit)

    enum Roles {
        IdRole = Qt::UserRole + 1, //!< TimerId (number)
        KindRole,                  //!< Kind
        LabelRole,                 //!< free text, for example "script.hv:12"
        IntervalMsRole,            //!< delay of a timeout or period of an interval, ms
        StateRole,                 //!< State
        NextDueMsRole,             //!< when the next fire is due, steady-clock ms (see steadyNowMs)
        RemainingMsRole,           //!< time left, frozen while paused; as of the row's last update
        FireCountRole,             //!< callbacks run
        FiresPerSecondRole,        //!< fires/s over the sliding window
        SkippedTicksRole,          //!< interval ticks coalesced or missed
        ErrorCountRole,            //!< callbacks that threw
        LastErrorRole,             //!< message of the last throw, or empty
        LastLatenessMsRole,        //!< callback start minus deadline of the last fire, ms
        MaxLatenessMsRole,         //!< worst lateness, ms
        LastCallbackMsRole,        //!< duration of the last callback, ms
        MaxCallbackMsRole,         //!< longest callback, ms
        PauseReasonsRole,          //!< PauseReason bits (user 1, mode 2); 0 while active
        ModeRole,                  //!< the mode the timer is scoped to, or empty
    };
    Q_ENUM(Roles)

    //! At most this many dataChanged() signals are emitted per poll.
    static constexpr int kMaxDataChangedPerPoll = 16;
    //! Changed rows separated by at most this many unchanged rows share one dataChanged().
    static constexpr int kMergeGap = 8;
    //! Fires/s are averaged over kRatePeriods of a timer's periods, but over no less than
    //! kMinRateWindow and no more than kMaxRateWindow (see rateWindow()) ...
    static constexpr int kRatePeriods = 8;
    static constexpr std::chrono::milliseconds kMinRateWindow{2000};
    static constexpr std::chrono::milliseconds kMaxRateWindow{120000};
    //! ... and, for a timer seen for less than that, over what there is, but not less than this.
    static constexpr std::chrono::milliseconds kMinRateSpan{250};
    //! Changes of a row's fire count kept for its rate (enough for 2 s of 10 Hz polls).
    static constexpr int kRateSamples = 24;
    //! The window fires/s of a timer with period (or delay) @p intervalMs is averaged over.
    static std::chrono::milliseconds rateWindow(qint64 intervalMs);
    //! After this many polls in a row without a change, polling slows down ...
    static constexpr int kQuietPollsBeforeBackoff = 20;
    //! ... to this many times the poll interval, but no slower than kBackoffMaxMs.
    static constexpr int kBackoffFactor = 10;
    static constexpr int kBackoffMaxMs = 1000;
    //! How many polls the lateness history keeps (12 s at the default 10 Hz).
    static constexpr int kLatenessHistoryLength = 120;
    //! The lateness histogram's buckets: below each edge (ms), and one above the last.
    static constexpr std::array<double, 9> kLatenessBucketEdgesMs{0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000};
    static constexpr int kLatenessBuckets = int(kLatenessBucketEdgesMs.size()) + 1;

    //! The interpreter counts as busy once it has been away from its event loop this long.
    static constexpr std::chrono::milliseconds kBusyThreshold{1000};

    //! Observes @p manager (null gives an empty model). Starts polling at once.
    explicit TimerListModel(TimerManager *manager, QObject *parent = nullptr);
    //! Observes @p source, which must outlive the model or be destroyed with it (it then
    //! empties itself). Starts polling at once.
    explicit TimerListModel(TimerSource *source, QObject *parent = nullptr);
    ~TimerListModel() override;

    //! Milliseconds between polls; 0 stops automatic polling (tests then call refresh()).
    //! While nothing changes for kQuietPollsBeforeBackoff polls, the model polls
    //! kBackoffFactor times less often (at most kBackoffMaxMs apart) until something does.
    int pollInterval() const;
    void setPollInterval(int ms);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    //! roleNames(), for the models that show these roles too (TimerGroupModel).
    static QHash<int, QByteArray> timerRoleNames();

    //! The row of timer @p id, or -1.
    Q_INVOKABLE int rowOf(quint64 id) const;
    //! The value of a numeric @p role in @p row as a double, without a QVariant: sorting
    //! 10,000 rows calls it some 300,000 times per poll. Text roles give 0.
    double numericValue(int row, int role) const;

    int liveCount() const;
    int pausedCount() const;
    //! Sum of the live timers' fires/s.
    double firesPerSecond() const;
    //! Errors over the whole run: the live timers' error counts plus those of ended timers.
    qint64 totalErrors() const;
    //! How many live timers have thrown at least once.
    int failingCount() const;
    //! Per poll, the worst lastLateness (ms) among the timers that fired since the previous
    //! poll, or 0 if none fired; oldest first, at most kLatenessHistoryLength entries.
    QList<qreal> latenessHistory() const;
    //! The worst maxLateness (ms) of the live timers.
    double worstLatenessMs() const;
    //! Over the same polls as latenessHistory(): how many samples fell in each lateness
    //! bucket (see kLatenessBucketEdgesMs). A sample is the last fire's lateness of each timer
    //! that fired since the previous poll (a poll sees only a timer's last fire).
    QList<int> latenessBuckets() const;
    QList<qreal> latenessBucketEdgesMs() const;
    //! The bucket of a lateness of @p ms.
    static int latenessBucketOf(double ms);

    //! How long the interpreter has been away from its event loop, if longer than
    //! kBusyThreshold; else 0.
    double busyForMs() const;
    //! Where it is busy: "demo.hv:12", or empty.
    QString busyAt() const;
    //! The timers that ended while observed, newest first.
    TimerHistoryModel *history() const;
    //! The source the model reads.
    TimerSource *source() const;

    //! Now on the steady clock, in the ms units of NextDueMsRole.
    Q_INVOKABLE double steadyNowMs() const;

    //! Pauses timer @p id. The change shows on the next event loop turn.
    Q_INVOKABLE bool pause(quint64 id);
    //! Resumes timer @p id with the time it had left.
    Q_INVOKABLE bool resume(quint64 id);
    //! Stops timer @p id; its row goes away on the next event loop turn.
    Q_INVOKABLE bool stop(quint64 id);
    //! Stops every timer shown (the rows this model has); returns how many it asked to stop.
    Q_INVOKABLE int stopAll();
    //! Stops the timers @p ids (numbers, as QML passes them); returns how many it asked to stop.
    Q_INVOKABLE int stopTimers(const QVariantList &ids);

    //! The timers @p ids (numbers; all when empty) as "csv" or "json" text; empty for an
    //! unknown format. See TimerExport.
    Q_INVOKABLE QString exportText(const QVariantList &ids, const QString &format) const;
    //! Writes exportText() to @p path (a local path or file: URL); empty on success, else why not.
    Q_INVOKABLE QString exportToFile(const QString &path, const QVariantList &ids,
                                     const QString &format) const;
    //! A file name for an export of now: ~/havel-timers-YYYYMMDD-HHMMSS.@p format.
    Q_INVOKABLE QString suggestedExportPath(const QString &format) const;

public Q_SLOTS:
    //! Polls the manager now and applies the difference to the rows.
    void refresh();

Q_SIGNALS:
    void pollIntervalChanged();
    //! A pause, resume, stop or "stop all" from this model reached the manager. The owner of
    //! the timers (the script host) may need to know: nothing else tells it.
    void timersControlled();
    //! The header figures changed; emitted at most once per poll, and only on a change.
    void statsChanged();
    //! A poll has been applied (whether or not anything changed).
    void refreshed();
    //! busyForMs or busyAt changed.
    void activityChanged();

private:
    struct Row
    {
        TimerStatus status;
        double firesPerSecond = 0;
        //! The polls at which fireCount changed (and the first one that saw the row): steady
        //! ns and fireCount, a ring of the latest kRateSamples, oldest at rateHead.
        struct RateSample
        {
            qint64 ns = 0;
            quint64 fires = 0;
        };
        std::array<RateSample, kRateSamples> rateSamples{};
        int rateHead = 0;
        int rateCount = 0;
        //! Records the count seen at @p nowNs if it changed since the last sample.
        void sampleFires(qint64 nowNs);
    };

    void scheduleRefresh();
    bool applySnapshot(TimerSnapshot &&snapshot, qint64 nowNs);
    void removeVanishedRows(const std::vector<TimerStatus> &timers);
    void insertTimerRows(int row, std::vector<TimerStatus>::iterator first,
                         std::vector<TimerStatus>::iterator last, qint64 nowNs);
    static quint32 updateRow(Row &row, TimerStatus &&status);
    double fireRate(const Row &row, qint64 nowNs) const;
    void emitChangedRanges(const std::vector<std::pair<int, quint32>> &changed);
    void clearRows();
    bool updateStats(double latenessSampleMs, const std::vector<double> &samples);
    bool updateActivity(qint64 nowNs);
    void adaptPolling(bool changed);
    void controlled(bool ok);
    QList<int> rowsOf(const QVariantList &ids) const;

    std::unique_ptr<TimerSource> m_ownedSource; // with the TimerManager constructor
    QPointer<TimerSource> m_source;
    std::unique_ptr<TimerHistoryModel> m_history;
    QTimer m_pollTimer;
    int m_pollIntervalMs = 0; // as set; the timer runs slower while nothing changes
    int m_quietPolls = 0;     // polls in a row that changed nothing
    bool m_refreshQueued = false;

    std::vector<Row> m_rows; // in id order, as the snapshot
    quint64 m_pollSeq = 0;

    int m_pausedCount = 0;
    int m_failingCount = 0;
    double m_firesPerSecond = 0;
    qint64 m_totalErrors = 0;
    qint64 m_endedErrors = 0; // errors of timers that ended while observed
    quint64 m_lastSerial = 0; // the source's changeSerial() at the last full poll
    double m_busyForMs = 0;
    QString m_busyAt;
    int m_statsRowCount = -1; // liveCount at the last statsChanged
    double m_worstLatenessMs = 0;
    QList<qreal> m_latenessHistory;
    using LatenessCounts = std::array<int, kLatenessBuckets>;
    std::deque<LatenessCounts> m_bucketHistory; // per poll, oldest first, like m_latenessHistory
    LatenessCounts m_bucketTotals{};            // the sum of m_bucketHistory
    LatenessCounts m_shownBucketTotals{};       // at the last statsChanged check
};

} // namespace havel
