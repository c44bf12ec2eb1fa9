// havel-soak: a long run of the timer core and the Havel interpreter together, outside CI.
//
//   build/hard/tests/soak/havel-soak [--minutes M | --seconds S] [--timers N] [--threads T]
//
// For the whole run (10 minutes by default):
//  * N (10,000) timers stay live in one TimerManager: a base of intervals (periods 100 ms to
//    5 s) on two context threads, plus the timers of T (4) worker threads that do random
//    operations on timers of their own: create timeouts and intervals, clear, pause, resume,
//    read status and the live list;
//  * a Havel script runs in a ScriptHost (its own interpreter thread and TimerManager): 1000
//    intervals and a churn of timeouts created and cleared every 10 ms, which checks at the end
//    that created == fired + cleared.
//
// At the end it prints RSS at the start and the end, fires lost and duplicated, early fires,
// the worst lateness, and exits 0 only if nothing was lost, duplicated or early, and the script
// agreed. Every timeout is accounted for: a fire counter per timer, checked when the timer is
// retired (fired, or cleared) and once more at the end; intervals compare the callbacks they ran
// with the core's fireCount and their expected number of ticks.
#include "../timers/contextthread.h"
#include "scripthost.h"
#include "timermanager.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QEventLoop>
#include <QtCore/QFile>
#include <QtCore/QThread>
#include <QtCore/QTimer>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdlib>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using havel::InvalidTimerId;
using havel::TimerId;
using havel::TimerManager;

namespace {

long rssKb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLong();
    }
    return -1;
}

qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

//! What one timer did, shared by its owner and its callback (which runs on a context thread).
struct Record
{
    TimerId id = InvalidTimerId;
    bool interval = false;
    qint64 periodOrDelayNs = 0;
    qint64 createdNs = 0;     // taken just before the create call: deadlines are no earlier
    bool everPaused = false;  // owner thread only
    bool paused = false;      // owner thread only
    bool cleared = false;     // owner thread only: a clear returned true
    qint64 retireAfterNs = 0; // owner thread only
    std::atomic<int> fires{0};
    std::atomic<int> running{0};
    std::atomic<qint64> firstFireNs{0};
};

struct Totals
{
    std::atomic<qint64> timeoutsCreated{0};
    std::atomic<qint64> intervalsCreated{0};
    std::atomic<qint64> operations{0};
    std::atomic<qint64> lost{0};
    std::atomic<qint64> duplicated{0};
    std::atomic<qint64> early{0};
    std::atomic<qint64> reentered{0};
    std::atomic<qint64> worstLatenessNs{0};
    std::atomic<qint64> fires{0};
    //! Timeouts (never paused) by lateness: up to 1 ms, 10 ms, 100 ms, more.
    std::array<std::atomic<qint64>, 4> latenessBuckets{};
};

void storeMax(std::atomic<qint64> &target, qint64 value)
{
    qint64 seen = target.load();
    while (value > seen && !target.compare_exchange_weak(seen, value)) { }
}

TimerId create(TimerManager &manager, QObject *context, const std::shared_ptr<Record> &record,
               Totals &totals)
{
    record->createdNs = nowNs();
    auto callback = [record, &totals] {
        if (record->running.fetch_add(1) != 0)
            ++totals.reentered;
        const qint64 now = nowNs();
        const int fire = record->fires.fetch_add(1) + 1;
        ++totals.fires;
        if (!record->interval) {
            record->firstFireNs.store(now);
            if (fire == 1 && !record->everPaused) {
                const qint64 lateness = now - (record->createdNs + record->periodOrDelayNs);
                if (lateness < 0)
                    ++totals.early;
                storeMax(totals.worstLatenessNs, lateness);
                const std::size_t bucket = lateness <= 1'000'000 ? 0 : lateness <= 10'000'000 ? 1
                        : lateness <= 100'000'000 ? 2 : 3;
                ++totals.latenessBuckets[bucket];
            }
        }
        record->running.fetch_sub(1);
    };
    const auto ms = std::chrono::milliseconds(record->periodOrDelayNs / 1'000'000);
    return record->interval ? manager.setInterval(context, ms, std::move(callback))
                            : manager.setTimeout(context, ms, std::move(callback));
}

//! Checks a timeout when it is retired, or at the end: it must have fired exactly once, or at
//! most once if it was cleared (a clear from another thread may race its callback), or not yet
//! if it is paused.
void checkTimeout(const Record &record, Totals &totals, bool final)
{
    const int fires = record.fires.load();
    if (fires > 1)
        totals.duplicated += fires - 1;
    else if (fires == 0 && !record.cleared && !record.paused && final)
        ++totals.lost;
}

//! One worker: random operations on its own timers, keeping about @p target of them live.
void worker(TimerManager &manager, std::vector<QObject *> contexts, int target, unsigned seed,
            Clock::time_point end, Totals &totals)
{
    std::mt19937_64 random(seed);
    std::vector<std::shared_ptr<Record>> live;     // created, not cleared or finished
    std::vector<std::shared_ptr<Record>> retiring; // fired or cleared: checked again later
    while (Clock::now() < end) {
        for (int batch = 0; batch < 100; ++batch) {
            const int op = int(random() % 100);
            ++totals.operations;
            if (op < 30 || live.size() < std::size_t(target) / 2) {
                if (live.size() >= std::size_t(target) * 3 / 2)
                    continue;
                auto record = std::make_shared<Record>();
                record->interval = random() % 4 == 0;
                record->periodOrDelayNs = qint64(record->interval ? 5 + random() % 500 : random() % 1000)
                        * 1'000'000;
                record->id = create(manager, contexts[random() % contexts.size()], record, totals);
                if (record->id == InvalidTimerId) {
                    std::fprintf(stderr, "soak: a create call was refused\n");
                    ++totals.lost;
                    continue;
                }
                ++(record->interval ? totals.intervalsCreated : totals.timeoutsCreated);
                live.push_back(std::move(record));
            } else if (live.empty()) {
                continue;
            } else if (op < 55) {
                const std::size_t at = random() % live.size();
                std::shared_ptr<Record> record = live[at];
                live[at] = live.back();
                live.pop_back();
                record->cleared = manager.stopTimer(record->id);
                record->retireAfterNs = nowNs() + 2'000'000'000;
                retiring.push_back(std::move(record));
            } else if (op < 65) {
                Record &record = *live[random() % live.size()];
                if (manager.pauseTimer(record.id)) {
                    record.paused = true;
                    record.everPaused = true;
                }
            } else if (op < 80) {
                Record &record = *live[random() % live.size()];
                if (manager.resumeTimer(record.id))
                    record.paused = false;
            } else if (op < 97) {
                manager.timerStatus(live[random() % live.size()]->id);
            } else {
                manager.activeTimerCount();
            }
        }
        // Timeouts that fired leave the live set; everything retired is checked once its grace
        // period (for a duplicate to show) is over, and then forgotten.
        const qint64 now = nowNs();
        for (std::size_t i = 0; i < live.size();) {
            if (!live[i]->interval && live[i]->fires.load() > 0) {
                live[i]->retireAfterNs = now + 2'000'000'000;
                retiring.push_back(std::move(live[i]));
                live[i] = std::move(live.back());
                live.pop_back();
            } else {
                ++i;
            }
        }
        std::erase_if(retiring, [&](const std::shared_ptr<Record> &record) {
            if (record->retireAfterNs > now)
                return false;
            if (!record->interval)
                checkTimeout(*record, totals, true);
            return true;
        });
        std::this_thread::sleep_for(10ms); // pacing: at most about 10,000 operations/s per thread
    }
    // The end: stop the intervals, let every unpaused timeout come due, then check them all.
    // A timeout that was paused and resumed is due later than created + delay: the core's
    // remaining time says when.
    qint64 lastDueNs = nowNs();
    for (const auto &record : live) {
        if (record->interval) {
            manager.stopTimer(record->id);
            record->cleared = true;
        } else if (record->paused) {
            record->cleared = manager.stopTimer(record->id) || record->fires.load() > 0;
        } else if (const auto status = manager.timerStatus(record->id)) {
            lastDueNs = std::max(lastDueNs, nowNs() + status->remaining.count());
        }
    }
    // Then wait for the state, not for a fixed time: on a loaded machine a fire may be late by
    // far more than usual, and only one that never comes within 30 s counts as lost.
    const auto unfired = [](const std::shared_ptr<Record> &record) {
        return !record->interval && !record->cleared && !record->paused && record->fires.load() == 0;
    };
    const Clock::time_point giveUp = Clock::time_point(std::chrono::nanoseconds(lastDueNs)) + 30s;
    while (std::any_of(live.begin(), live.end(), unfired) && Clock::now() < giveUp)
        std::this_thread::sleep_for(10ms);
    for (const auto &record : live) {
        if (!record->interval)
            checkTimeout(*record, totals, true);
    }
    for (const auto &record : retiring) {
        if (!record->interval)
            checkTimeout(*record, totals, true);
    }
}

//! The Havel script of the run: intervals and a churn of timeouts, checked at the end.
QString soakScript(qint64 durationMs)
{
    QString ring = QStringLiteral("0");
    for (int i = 1; i < 64; ++i)
        ring += QStringLiteral(", 0");
    return QStringLiteral(R"(// The soak's script: 1000 intervals, and timeouts created and cleared every 10 ms.
ring = [%1]
cursor = 0
created = 0
fired = 0
cleared = 0
ticks = 0
fn spawn(delay) {
    created++
    return setTimeout(fn() { fired++ }, delay)
}
for i in 1..1000 { setInterval(fn() { ticks++; box = {n: ticks, list: [i]} }, 50 + i % 200) }
churn = setInterval(fn() {
    for k in 1..16 {
        slot = cursor % 64
        if clearTimeout(ring[slot]) { cleared++ }
        ring[slot] = spawn(1 + created % 40)
        cursor++
    }
}, 10)
timeout %2 {
    clearInterval(churn)
    // Every timeout left is due within 40 ms; on a loaded machine it may take longer to run,
    // so wait for the counts to meet, and fail (exit 3) only if they never do.
    waited = 0
    while created != fired + cleared && waited < 10000 { sleep(50); waited += 50 }
    print f"script: timeouts created={created} fired={fired} cleared={cleared}, interval ticks={ticks}, waited {waited} ms"
    if created != fired + cleared || ticks == 0 { exit(3) }
    cleanupAllTimers()
}
)")
            .arg(ring)
            .arg(durationMs);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Soak test of the timer core and the Havel host"));
    parser.addHelpOption();
    QCommandLineOption minutes(QStringLiteral("minutes"), QStringLiteral("Run time in minutes (10)."),
                               QStringLiteral("M"), QStringLiteral("10"));
    QCommandLineOption seconds(QStringLiteral("seconds"), QStringLiteral("Run time in seconds (overrides --minutes)."),
                               QStringLiteral("S"));
    QCommandLineOption timers(QStringLiteral("timers"), QStringLiteral("Live timers (10000)."),
                              QStringLiteral("N"), QStringLiteral("10000"));
    QCommandLineOption threads(QStringLiteral("threads"), QStringLiteral("Worker threads (4)."),
                               QStringLiteral("T"), QStringLiteral("4"));
    parser.addOptions({minutes, seconds, timers, threads});
    parser.process(app);

    const qint64 durationMs = parser.isSet(seconds) ? qint64(parser.value(seconds).toDouble() * 1000)
                                                    : qint64(parser.value(minutes).toDouble() * 60'000);
    const int liveTimers = std::max(100, parser.value(timers).toInt());
    const int workerCount = std::max(1, parser.value(threads).toInt());
    const int perWorker = liveTimers / 5 / workerCount; // a fifth of the timers churn
    const int baseIntervals = liveTimers - perWorker * workerCount;

    const long rssStart = rssKb();
    std::printf("soak: %lld s, %d live timers (%d base intervals, %d x %d churned), %d threads + a script\n",
                qlonglong(durationMs / 1000), liveTimers, baseIntervals, workerCount, perWorker, workerCount);
    std::printf("soak: RSS at start %ld kB\n", rssStart);
    std::fflush(stdout);

    Totals totals;
    ContextThread contextA;
    ContextThread contextB;
    std::vector<QObject *> contexts = {contextA.context(), contextB.context()};
    auto manager = std::make_unique<TimerManager>();

    // The base: intervals that live for the whole run, on both context threads.
    std::mt19937_64 random(1);
    std::vector<std::shared_ptr<Record>> base;
    for (int i = 0; i < baseIntervals; ++i) {
        auto record = std::make_shared<Record>();
        record->interval = true;
        record->periodOrDelayNs = qint64(100 + random() % 4901) * 1'000'000;
        record->id = create(*manager, contexts[std::size_t(i) % 2], record, totals);
        base.push_back(std::move(record));
    }

    havel::script::ScriptHost host;
    int scriptExit = -1;
    QObject::connect(&host, &havel::script::ScriptHost::finished, &app, [&](int code) {
        scriptExit = code;
        app.quit();
    });

    const Clock::time_point end = Clock::now() + std::chrono::milliseconds(durationMs);
    std::vector<std::thread> workers;
    for (int i = 0; i < workerCount; ++i)
        workers.emplace_back(worker, std::ref(*manager), contexts, perWorker, unsigned(i + 1), end,
                             std::ref(totals));

    host.start(soakScript(durationMs), QStringLiteral("soak.hv"), false);
    QTimer progress;
    const Clock::time_point start = Clock::now();
    QObject::connect(&progress, &QTimer::timeout, [&] {
        std::printf("soak: %3lld s: %lld fires, %lld operations, %lld live, RSS %ld kB\n",
                    qlonglong(std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - start).count()),
                    qlonglong(totals.fires.load()), qlonglong(totals.operations.load()),
                    qlonglong(manager->activeTimerCount()), rssKb());
        std::fflush(stdout);
    });
    progress.start(60s);
    // A watchdog, in case the script never ends: the run then fails on its exit code.
    QTimer::singleShot(std::chrono::milliseconds(durationMs) + 120s, &app, &QCoreApplication::quit);
    app.exec(); // until the script ends, at about the end of the run
    progress.stop();
    for (std::thread &thread : workers)
        thread.join();

    // The base intervals, checked on their own context thread between callbacks: the callbacks
    // run must equal the core's fireCount, and fires + skipped ticks the ticks that were due.
    // "Due" is bounded below by a marker: a timeout made at markerNs, on this thread, fires after
    // every tick due before it has been handed out (the timer thread goes in deadline order),
    // and each context thread runs those fires before the check posted to it later. So the
    // lower bound does not depend on how late a loaded machine runs the timer thread.
    qint64 markerNs = 0;
    {
        QEventLoop loop;
        QObject marker;
        markerNs = nowNs();
        manager->setTimeout(&marker, 0ms, [&loop] { loop.quit(); });
        loop.exec();
    }
    qint64 intervalMismatch = 0;
    qint64 intervalMissing = 0;
    qint64 worstIntervalLatenessNs = 0;
    for (QObject *context : contexts) {
        QMetaObject::invokeMethod(context, [&, context] {
            for (std::size_t i = 0; i < base.size(); ++i) {
                if (contexts[i % 2] != context)
                    continue;
                const Record &record = *base[i];
                const auto status = manager->timerStatus(record.id);
                if (!status) {
                    ++intervalMissing;
                    continue;
                }
                if (quint64(record.fires.load()) != status->fireCount)
                    intervalMismatch += std::abs(qint64(status->fireCount) - record.fires.load());
                const qint64 dueAtMarker = (markerNs - record.createdNs) / record.periodOrDelayNs;
                const qint64 dueNow = (nowNs() - record.createdNs) / record.periodOrDelayNs;
                const qint64 accounted = qint64(status->fireCount + status->skippedTicks);
                if (accounted < dueAtMarker - 1)
                    intervalMissing += dueAtMarker - accounted;
                else if (accounted > dueNow + 1) // more ticks than were due: duplicated
                    intervalMismatch += accounted - dueNow;
                worstIntervalLatenessNs = std::max<qint64>(worstIntervalLatenessNs, status->maxLateness.count());
            }
        }, Qt::BlockingQueuedConnection);
    }
    manager.reset();
    base.clear();
    const long rssEnd = rssKb();

    const double worstTimeoutMs = double(totals.worstLatenessNs.load()) / 1e6;
    const double worstIntervalMs = double(worstIntervalLatenessNs) / 1e6;
    std::printf("soak: timeouts created %lld, intervals created %lld, operations %lld, callbacks run %lld\n",
                qlonglong(totals.timeoutsCreated.load()), qlonglong(totals.intervalsCreated.load()),
                qlonglong(totals.operations.load()), qlonglong(totals.fires.load()));
    std::printf("soak: fires lost %lld, duplicated %lld, early %lld, re-entered %lld\n",
                qlonglong(totals.lost.load() + intervalMissing), qlonglong(totals.duplicated.load() + intervalMismatch),
                qlonglong(totals.early.load()), qlonglong(totals.reentered.load()));
    std::printf("soak: worst lateness %.1f ms (timeouts, from the call), %.1f ms (base intervals, core status)\n",
                worstTimeoutMs, worstIntervalMs);
    std::printf("soak: timeouts late by <= 1 ms: %lld, <= 10 ms: %lld, <= 100 ms: %lld, more: %lld\n",
                qlonglong(totals.latenessBuckets[0].load()), qlonglong(totals.latenessBuckets[1].load()),
                qlonglong(totals.latenessBuckets[2].load()), qlonglong(totals.latenessBuckets[3].load()));
    std::printf("soak: script exit code %d\n", scriptExit);
    std::printf("soak: RSS at start %ld kB, at end %ld kB\n", rssStart, rssEnd);
    const bool ok = totals.lost == 0 && intervalMissing == 0 && totals.duplicated == 0
            && intervalMismatch == 0 && totals.early == 0 && totals.reentered == 0 && scriptExit == 0;
    std::printf("soak: %s\n", ok ? "PASS" : "FAIL");
    return ok ? 0 : 1;
}
