#include "timerlistmodel.h"


#include "managertimersource.h"
#include "timerexport.h"
#include "timerhistorymodel.h"
#include "timermanager.h"

#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QUrl>

#include <algorithm>

namespace havel {

namespace {

using namespace std::chrono;

qint64 steadyNowNs()
{
    return duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count();
}

double toMs(nanoseconds ns)
{
    return duration<double, std::milli>(ns).count();
}

// One bit per role, so that a poll can tell views exactly which roles of a range changed.
constexpr quint32 roleBit(int role)
{
    return 1u << (role - TimerListModel::IdRole);
}

QList<int> rolesOf(quint32 bits)
{
    QList<int> roles;
    for (int role = TimerListModel::IdRole; bits; ++role, bits >>= 1) {
        if (bits & 1u)
            roles.append(role);
    }
    return roles;
}

constexpr int kDefaultPollIntervalMs = 100;

} // namespace

TimerListModel::TimerListModel(TimerManager *manager, QObject *parent)
    : TimerListModel(static_cast<TimerSource *>(nullptr), parent)
{
    m_ownedSource = std::make_unique<ManagerTimerSource>(manager);
    m_source = m_ownedSource.get();
}

TimerListModel::TimerListModel(TimerSource *source, QObject *parent)
    : QAbstractListModel(parent), m_source(source), m_history(std::make_unique<TimerHistoryModel>())
{
    m_latenessHistory.reserve(kLatenessHistoryLength);
    connect(&m_pollTimer, &QTimer::timeout, this, &TimerListModel::refresh);
    m_pollIntervalMs = kDefaultPollIntervalMs;
    m_pollTimer.start(kDefaultPollIntervalMs);
    scheduleRefresh();
    if (source)
        connect(source, &TimerSource::changed, this, &TimerListModel::scheduleRefresh);
}

TimerListModel::~TimerListModel() = default;

int TimerListModel::pollInterval() const
{
    return m_pollIntervalMs;
}

void TimerListModel::setPollInterval(int ms)
{
    ms = std::max(0, ms);
    if (ms == m_pollIntervalMs)
        return;
    m_pollIntervalMs = ms;
    m_quietPolls = 0;
    if (ms > 0)
        m_pollTimer.start(ms);
    else
        m_pollTimer.stop();
    Q_EMIT pollIntervalChanged();
}

void TimerListModel::adaptPolling(bool changed)
{
    // Idle timers change nothing between polls, yet copying and diffing 10,000 of them ten
    // times a second would be most of an idle window's cost. After kQuietPollsBeforeBackoff
    // polls without a change, poll kBackoffFactor times less often; the first change (or an
    // action from the window) brings the normal pace back.
    if (m_pollIntervalMs <= 0)
        return;
    m_quietPolls = changed ? 0 : m_quietPolls + 1;
    const int wanted = m_quietPolls >= kQuietPollsBeforeBackoff
            ? std::min(kBackoffMaxMs, m_pollIntervalMs * kBackoffFactor)
            : m_pollIntervalMs;
    if (m_pollTimer.interval() != wanted)
        m_pollTimer.start(wanted);
}

int TimerListModel::rowCount(const QModelIndex &parent) const
{
    // A flat list: only the invisible root has children.
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant TimerListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TimerStatus &s = m_rows[size_t(index.row())].status;
    switch (role) {
    case IdRole:
        return QVariant::fromValue(s.id);
    case KindRole:
        return QVariant::fromValue(s.kind == TimerKind::Interval ? Kind::Interval : Kind::Timeout);
    case LabelRole:
        return s.label;
    case IntervalMsRole:
        return QVariant::fromValue(qint64(s.interval.count()));
    case StateRole:
        return QVariant::fromValue(s.state == TimerState::Paused ? State::Paused : State::Active);
    case FireCountRole:
        return QVariant::fromValue(s.fireCount);
    case SkippedTicksRole:
        return QVariant::fromValue(s.skippedTicks);
    case ErrorCountRole:
        return QVariant::fromValue(s.errorCount);
    case LastErrorRole:
        return s.lastError;
    case ModeRole:
        return s.mode;
    case PauseReasonsRole:
        return int(s.pauseReasons);
    case NextDueMsRole:
    case RemainingMsRole:
    case FiresPerSecondRole:
    case LastLatenessMsRole:
    case MaxLatenessMsRole:
    case LastCallbackMsRole:
    case MaxCallbackMsRole:
        return numericValue(index.row(), role);
    default:
        return {};
    }
}

QHash<int, QByteArray> TimerListModel::roleNames() const
{
    return timerRoleNames();
}

QHash<int, QByteArray> TimerListModel::timerRoleNames()
{
    // "timerState", not "state": a delegate's own Item::state would shadow it.
    return {
        {IdRole, "timerId"},
        {KindRole, "kind"},
        {LabelRole, "label"},
        {IntervalMsRole, "intervalMs"},
        {StateRole, "timerState"},
        {NextDueMsRole, "nextDueMs"},
        {RemainingMsRole, "remainingMs"},
        {FireCountRole, "fireCount"},
        {FiresPerSecondRole, "firesPerSecond"},
        {SkippedTicksRole, "skippedTicks"},
        {ErrorCountRole, "errorCount"},
        {LastErrorRole, "lastError"},
        {LastLatenessMsRole, "lastLatenessMs"},
        {MaxLatenessMsRole, "maxLatenessMs"},
        {LastCallbackMsRole, "lastCallbackMs"},
        {MaxCallbackMsRole, "maxCallbackMs"},
        {PauseReasonsRole, "pauseReasons"},
        {ModeRole, "mode"},
    };
}

int TimerListModel::rowOf(quint64 id) const
{
    const auto it = std::lower_bound(m_rows.begin(), m_rows.end(), id,
                                     [](const Row &row, TimerId id) { return row.status.id < id; });
    return it != m_rows.end() && it->status.id == id ? int(it - m_rows.begin()) : -1;
}

double TimerListModel::numericValue(int row, int role) const
{
    const Row &r = m_rows[size_t(row)];
    const TimerStatus &s = r.status;
    switch (role) {
    case IdRole:
        return double(s.id);
    case KindRole:
        return s.kind == TimerKind::Interval ? double(Kind::Interval) : double(Kind::Timeout);
    case IntervalMsRole:
        return double(s.interval.count());
    case StateRole:
        return s.state == TimerState::Paused ? double(State::Paused) : double(State::Active);
    case NextDueMsRole:
        return duration<double, std::milli>(s.nextDue.time_since_epoch()).count();
    case RemainingMsRole:
        return toMs(s.remaining);
    case FireCountRole:
        return double(s.fireCount);
    case FiresPerSecondRole:
        return r.firesPerSecond;
    case SkippedTicksRole:
        return double(s.skippedTicks);
    case ErrorCountRole:
        return double(s.errorCount);
    case LastLatenessMsRole:
        return toMs(s.lastLateness);
    case MaxLatenessMsRole:
        return toMs(s.maxLateness);
    case LastCallbackMsRole:
        return toMs(s.lastCallbackDuration);
    case MaxCallbackMsRole:
        return toMs(s.maxCallbackDuration);
    case PauseReasonsRole:
        return double(s.pauseReasons);
    default:
        return 0;
    }
}

int TimerListModel::liveCount() const
{
    return int(m_rows.size());
}

int TimerListModel::pausedCount() const
{
    return m_pausedCount;
}

double TimerListModel::firesPerSecond() const
{
    return m_firesPerSecond;
}

qint64 TimerListModel::totalErrors() const
{
    return m_totalErrors;
}

int TimerListModel::failingCount() const
{
    return m_failingCount;
}

QList<qreal> TimerListModel::latenessHistory() const
{
    return m_latenessHistory;
}

double TimerListModel::worstLatenessMs() const
{
    return m_worstLatenessMs;
}

double TimerListModel::steadyNowMs() const
{
    return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

double TimerListModel::busyForMs() const
{
    return m_busyForMs;
}

QString TimerListModel::busyAt() const
{
    return m_busyAt;
}

TimerHistoryModel *TimerListModel::history() const
{
    return m_history.get();
}

TimerSource *TimerListModel::source() const
{
    return m_source;
}

void TimerListModel::controlled(bool ok)
{
    m_quietPolls = 0; // the user acts: follow at the normal pace
    adaptPolling(true);
    scheduleRefresh();
    if (ok)
        Q_EMIT timersControlled();
}

bool TimerListModel::pause(quint64 id)
{
    const bool ok = m_source && m_source->pauseTimer(id);
    controlled(ok);
    return ok;
}

bool TimerListModel::resume(quint64 id)
{
    const bool ok = m_source && m_source->resumeTimer(id);
    controlled(ok);
    return ok;
}

bool TimerListModel::stop(quint64 id)
{
    const bool ok = m_source && m_source->stopTimer(id);
    controlled(ok);
    return ok;
}

int TimerListModel::stopAll()
{
    QList<TimerId> ids;
    ids.reserve(qsizetype(m_rows.size()));
    for (const Row &row : m_rows)
        ids.append(row.status.id);
    const int stopped = m_source ? m_source->stopTimers(ids) : 0;
    controlled(stopped > 0);
    return stopped;
}

int TimerListModel::stopTimers(const QVariantList &ids)
{
    QList<TimerId> list;
    list.reserve(ids.size());
    for (const QVariant &id : ids)
        list.append(TimerId(id.toDouble()));
    const int stopped = m_source ? m_source->stopTimers(list) : 0;
    controlled(stopped > 0);
    return stopped;
}

void TimerListModel::scheduleRefresh()
{
    // Queued, not direct: a button in a delegate calls in here, and refreshing at once could
    // destroy that very delegate while its handler still runs. The registry already holds the
    // change, so the next event loop turn shows it.
    if (m_refreshQueued)
        return;
    m_refreshQueued = true;
    QMetaObject::invokeMethod(this, &TimerListModel::refresh, Qt::QueuedConnection);
}

void TimerListModel::refresh()
{
    m_refreshQueued = false;
    const qint64 nowNs = steadyNowNs();
    if (!m_source) {
        clearRows();
        updateStats(0, {});
        updateActivity(nowNs);
        return;
    }
    // A source that can tell "nothing new" (a remote one) spares the copy and the diff, unless
    // some rate still has to decay towards 0.
    const quint64 serial = m_source->changeSerial();
    const bool ratesMove = m_firesPerSecond > 0;
    bool changed = false;
    if (serial == 0 || serial != m_lastSerial || ratesMove || m_pollSeq == 0) {
        m_lastSerial = serial;
        changed = applySnapshot(m_source->snapshot(), nowNs);
    }
    changed |= updateActivity(nowNs);
    adaptPolling(changed || m_busyForMs > 0);
    Q_EMIT refreshed();
}

bool TimerListModel::updateActivity(qint64 nowNs)
{
    const InterpreterActivity activity = m_source ? m_source->activity() : InterpreterActivity{};
    const qint64 thresholdNs = duration_cast<nanoseconds>(kBusyThreshold).count();
    double busyMs = 0;
    QString at;
    if (activity.busySinceNs > 0 && nowNs - activity.busySinceNs > thresholdNs) {
        busyMs = double(nowNs - activity.busySinceNs) / 1e6;
        if (activity.line > 0)
            at = QStringLiteral("%1:%2").arg(activity.scriptName).arg(activity.line);
    }
    if (busyMs == m_busyForMs && at == m_busyAt)
        return false;
    m_busyForMs = busyMs;
    m_busyAt = at;
    Q_EMIT activityChanged();
    return true;
}

void TimerListModel::clearRows()
{
    if (m_rows.empty())
        return;
    beginRemoveRows({}, 0, int(m_rows.size()) - 1);
    m_rows.clear();
    endRemoveRows();
}

bool TimerListModel::applySnapshot(TimerSnapshot &&snapshot, qint64 nowNs)
{
    const size_t rowsBefore = m_rows.size();
    const qsizetype historyBefore = m_history->rowCount();
    ++m_pollSeq;

    std::vector<TimerStatus> &timers = snapshot.timers;
    removeVanishedRows(timers);

    // Every remaining row is in the snapshot now; both are in id order. Walk them together:
    // a run of ids the rows lack is inserted as one batch, a matching id updates its row.
    std::vector<std::pair<int, quint32>> changed; // row, roles changed
    double latenessSampleMs = 0;
    std::vector<double> latenessSamples; // the last fire's lateness of each timer that fired
    size_t i = 0;
    auto it = timers.begin();
    while (it != timers.end()) {
        if (i < m_rows.size() && m_rows[i].status.id == it->id) {
            Row &row = m_rows[i];
            const quint64 firesBefore = row.status.fireCount;
            quint32 roles = updateRow(row, std::move(*it));
            if (row.status.fireCount != firesBefore) {
                latenessSampleMs = std::max(latenessSampleMs, toMs(row.status.lastLateness));
                latenessSamples.push_back(toMs(row.status.lastLateness));
            }
            const double rate = fireRate(row, nowNs);
            if (rate != row.firesPerSecond) {
                row.firesPerSecond = rate;
                roles |= roleBit(FiresPerSecondRole);
            }
            row.sampleFires(nowNs);
            if (roles)
                changed.emplace_back(int(i), roles);
            ++i;
            ++it;
            continue;
        }
        const TimerId nextKnown = i < m_rows.size() ? m_rows[i].status.id : InvalidTimerId;
        const auto runEnd = nextKnown == InvalidTimerId
                ? timers.end()
                : std::find_if(it, timers.end(),
                               [nextKnown](const TimerStatus &s) { return s.id == nextKnown; });
        for (auto n = it; n != runEnd; ++n) {
            if (n->fireCount > 0) {
                latenessSampleMs = std::max(latenessSampleMs, toMs(n->lastLateness));
                latenessSamples.push_back(toMs(n->lastLateness));
            }
        }
        insertTimerRows(int(i), it, runEnd, nowNs);
        i += size_t(runEnd - it);
        it = runEnd;
    }
    emitChangedRanges(changed);
    const bool statsMoved = updateStats(latenessSampleMs, latenessSamples);
    return !changed.empty() || statsMoved || m_rows.size() != rowsBefore
            || m_history->rowCount() != historyBefore;
}

void TimerListModel::removeVanishedRows(const std::vector<TimerStatus> &timers)
{
    // Both lists are in id order: mark the rows whose id the snapshot lacks.
    std::vector<std::pair<int, int>> runs; // first, last
    auto it = timers.begin();
    for (int r = 0; r < int(m_rows.size()); ++r) {
        const TimerId id = m_rows[size_t(r)].status.id;
        it = std::lower_bound(it, timers.end(), id,
                              [](const TimerStatus &s, TimerId id) { return s.id < id; });
        if (it != timers.end() && it->id == id)
            continue;
        if (!runs.empty() && runs.back().second == r - 1)
            runs.back().second = r;
        else
            runs.emplace_back(r, r);
    }
    // The timers that ended go to the history, and their errors stay in the run's count.
    const QDateTime endedAt = runs.empty() ? QDateTime() : QDateTime::currentDateTime();
    for (const auto &[first, last] : runs) {
        for (int r = first; r <= last; ++r) {
            const TimerStatus &ended = m_rows[size_t(r)].status;
            m_endedErrors += qint64(ended.errorCount);
            m_history->timerEnded(ended, endedAt);
        }
    }
    // Back to front, so that earlier runs keep their row numbers.
    for (auto run = runs.rbegin(); run != runs.rend(); ++run) {
        beginRemoveRows({}, run->first, run->second);
        m_rows.erase(m_rows.begin() + run->first, m_rows.begin() + run->second + 1);
        endRemoveRows();
    }
}

void TimerListModel::insertTimerRows(int row, std::vector<TimerStatus>::iterator first,
                                     std::vector<TimerStatus>::iterator last, qint64 nowNs)
{
    if (first == last)
        return;
    beginInsertRows({}, row, row + int(last - first) - 1);
    std::vector<Row> added;
    added.reserve(size_t(last - first));
    for (auto it = first; it != last; ++it) {
        Row &newRow = added.emplace_back();
        newRow.status = std::move(*it);
        newRow.sampleFires(nowNs);
    }
    m_rows.insert(m_rows.begin() + row, std::make_move_iterator(added.begin()),
                  std::make_move_iterator(added.end()));
    endInsertRows();
}

quint32 TimerListModel::updateRow(Row &row, TimerStatus &&status)
{
    TimerStatus &old = row.status;
    quint32 roles = 0;
    const auto track = [&roles](auto &current, auto &&fresh, int role) {
        if (current != fresh) {
            current = std::move(fresh);
            roles |= roleBit(role);
        }
    };
    const bool wasPaused = old.state == TimerState::Paused;
    const bool isPaused = status.state == TimerState::Paused;
    // Time moves on by itself: an active timer's remaining time and a paused one's nextDue
    // change on every poll without anything happening. Only report them when they mean
    // something new (a fire, a pause, a resume), so an idle timer costs no dataChanged.
    if (wasPaused != isPaused || isPaused)
        track(old.remaining, status.remaining, RemainingMsRole);
    if (wasPaused != isPaused || !isPaused)
        track(old.nextDue, status.nextDue, NextDueMsRole);
    track(old.state, status.state, StateRole);
    track(old.interval, status.interval, IntervalMsRole);
    track(old.fireCount, status.fireCount, FireCountRole);
    track(old.skippedTicks, status.skippedTicks, SkippedTicksRole);
    track(old.errorCount, status.errorCount, ErrorCountRole);
    track(old.lastError, std::move(status.lastError), LastErrorRole);
    track(old.lastLateness, status.lastLateness, LastLatenessMsRole);
    track(old.maxLateness, status.maxLateness, MaxLatenessMsRole);
    track(old.lastCallbackDuration, status.lastCallbackDuration, LastCallbackMsRole);
    track(old.maxCallbackDuration, status.maxCallbackDuration, MaxCallbackMsRole);
    track(old.label, std::move(status.label), LabelRole);
    track(old.pauseReasons, status.pauseReasons, PauseReasonsRole);
    track(old.mode, std::move(status.mode), ModeRole);
    return roles;
}

std::chrono::milliseconds TimerListModel::rateWindow(qint64 intervalMs)
{
    return std::clamp(std::chrono::milliseconds(intervalMs * kRatePeriods), kMinRateWindow,
                      kMaxRateWindow);
}

void TimerListModel::Row::sampleFires(qint64 nowNs)
{
    if (rateCount > 0) {
        const RateSample &last = rateSamples[size_t((rateHead + rateCount - 1) % kRateSamples)];
        if (last.fires == status.fireCount)
            return;
    }
    if (rateCount == kRateSamples) {
        rateHead = (rateHead + 1) % kRateSamples;
        --rateCount;
    }
    rateSamples[size_t((rateHead + rateCount) % kRateSamples)] = {nowNs, status.fireCount};
    ++rateCount;
}

double TimerListModel::fireRate(const Row &row, qint64 nowNs) const
{
    if (row.rateCount == 0)
        return 0;
    const qint64 windowNs = duration_cast<nanoseconds>(rateWindow(row.status.interval.count())).count();
    // The count at the window's start is that of the latest sample taken by then (counts only
    // change at samples). Without one (a row younger than the window, or a ring that filled
    // with faster polls), the rate is over the time since the oldest sample instead.
    const Row::RateSample *base = &row.rateSamples[size_t(row.rateHead)];
    bool fullWindow = false;
    for (int i = row.rateCount - 1; i >= 0; --i) {
        const Row::RateSample &sample = row.rateSamples[size_t((row.rateHead + i) % kRateSamples)];
        if (nowNs - sample.ns >= windowNs) {
            base = &sample;
            fullWindow = true;
            break;
        }
    }
    const qint64 spanNs = fullWindow ? windowNs : nowNs - base->ns;
    // Over a very short span (a row seen first by the previous poll, a refresh right after a
    // poll) one fire more or less would read as hundreds per second: keep the last rate.
    if (spanNs < duration_cast<nanoseconds>(kMinRateSpan).count())
        return row.firesPerSecond;
    return double(row.status.fireCount - base->fires) * 1e9 / double(spanNs);
}

void TimerListModel::emitChangedRanges(const std::vector<std::pair<int, quint32>> &changed)
{
    struct Range
    {
        int first;
        int last;
        quint32 roles;
    };
    std::vector<Range> ranges;
    for (const auto &[row, roles] : changed) {
        if (!ranges.empty() && row - ranges.back().last <= kMergeGap + 1) {
            ranges.back().last = row;
            ranges.back().roles |= roles;
        } else {
            ranges.push_back({row, row, roles});
        }
    }
    // Scattered changes over many rows: one covering range is cheaper for a view than many.
    if (int(ranges.size()) > kMaxDataChangedPerPoll) {
        Range all{ranges.front().first, ranges.back().last, 0};
        for (const Range &range : ranges)
            all.roles |= range.roles;
        ranges = {all};
    }
    for (const Range &range : ranges)
        Q_EMIT dataChanged(index(range.first), index(range.last), rolesOf(range.roles));
}

int TimerListModel::latenessBucketOf(double ms)
{
    int bucket = 0;
    while (bucket < kLatenessBuckets - 1 && ms >= kLatenessBucketEdgesMs[size_t(bucket)])
        ++bucket;
    return bucket;
}

QList<int> TimerListModel::latenessBuckets() const
{
    return QList<int>(m_bucketTotals.begin(), m_bucketTotals.end());
}

QList<qreal> TimerListModel::latenessBucketEdgesMs() const
{
    return QList<qreal>(kLatenessBucketEdgesMs.begin(), kLatenessBucketEdgesMs.end());
}

bool TimerListModel::updateStats(double latenessSampleMs, const std::vector<double> &samples)
{
    // The histogram: this poll's samples in, the samples of the poll that leaves the window out.
    LatenessCounts counts{};
    for (double ms : samples)
        ++counts[size_t(latenessBucketOf(ms))];
    if (m_bucketHistory.size() >= size_t(kLatenessHistoryLength)) {
        for (int b = 0; b < kLatenessBuckets; ++b)
            m_bucketTotals[size_t(b)] -= m_bucketHistory.front()[size_t(b)];
        m_bucketHistory.pop_front();
    }
    for (int b = 0; b < kLatenessBuckets; ++b)
        m_bucketTotals[size_t(b)] += counts[size_t(b)];
    const bool bucketsMove = !samples.empty() || m_bucketTotals != m_shownBucketTotals;
    m_shownBucketTotals = m_bucketTotals;
    m_bucketHistory.push_back(counts);

    int paused = 0;
    int failing = 0;
    double rate = 0;
    qint64 errors = 0;
    double worst = 0;
    for (const Row &row : m_rows) {
        paused += row.status.state == TimerState::Paused;
        failing += row.status.errorCount > 0;
        rate += row.firesPerSecond;
        errors += qint64(row.status.errorCount);
        worst = std::max(worst, toMs(row.status.maxLateness));
    }
    errors += m_endedErrors;
    // An idle window must not redraw: tell the view only about a change it can show. A
    // lateness history of zeros that gains another zero looks the same as before.
    const bool historyMoves = latenessSampleMs != 0
            || std::any_of(m_latenessHistory.cbegin(), m_latenessHistory.cend(),
                           [](qreal v) { return v != 0; });
    const bool changed = historyMoves || bucketsMove || paused != m_pausedCount || failing != m_failingCount
            || rate != m_firesPerSecond || errors != m_totalErrors || worst != m_worstLatenessMs
            || int(m_rows.size()) != m_statsRowCount;
    m_pausedCount = paused;
    m_failingCount = failing;
    m_firesPerSecond = rate;
    m_totalErrors = errors;
    m_worstLatenessMs = worst;
    m_statsRowCount = int(m_rows.size());
    if (m_latenessHistory.size() >= kLatenessHistoryLength)
        m_latenessHistory.removeFirst();
    m_latenessHistory.append(latenessSampleMs);
    if (changed)
        Q_EMIT statsChanged();
    return changed;
}

QList<int> TimerListModel::rowsOf(const QVariantList &ids) const
{
    QList<int> rows;
    for (const QVariant &id : ids) {
        if (const int row = rowOf(id.toULongLong()); row >= 0)
            rows.append(row);
    }
    return rows;
}

QString TimerListModel::exportText(const QVariantList &ids, const QString &format) const
{
    TimerExport::Format parsed;
    if (!TimerExport::parseFormat(format, &parsed))
        return {};
    if (!ids.isEmpty() && rowsOf(ids).isEmpty())
        return TimerExport::text(*this, {-1}, parsed); // none of them is live: the header alone
    return TimerExport::text(*this, rowsOf(ids), parsed);
}

QString TimerListModel::exportToFile(const QString &path, const QVariantList &ids,
                                     const QString &format) const
{
    TimerExport::Format parsed;
    if (!TimerExport::parseFormat(format, &parsed))
        return QStringLiteral("unknown format '%1': use csv or json").arg(format);
    const QUrl url(path);
    const QString local = url.isLocalFile() ? url.toLocalFile() : path;
    if (local.trimmed().isEmpty())
        return QStringLiteral("no file name given");
    return TimerExport::save(local, *this, rowsOf(ids), parsed);
}

QString TimerListModel::suggestedExportPath(const QString &format) const
{
    return QDir::home().filePath(QStringLiteral("havel-timers-%1.%2")
                                         .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")),
                                              format.toLower()));
}

} // namespace havel
