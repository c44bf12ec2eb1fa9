// TimerManager under concurrency: many threads doing random operations at once, with the
// invariants of the contract checked on every fire and at the end.
//
// HAVEL_STRESS_MS sets how long the random-operations test runs (default 2000 ms).
#include "contextthread.h"
#include "timermanager.h"

#include <QtTest/QtTest>

#include <atomic>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using havel::InvalidTimerId;
using havel::TimerId;
using havel::TimerManager;

namespace {

//! What the test knows about one timer. Shared between the creating thread, the clearing
//! threads and the callback; every field is atomic.
struct Probe
{
    std::atomic<TimerId> id{InvalidTimerId};
    bool onMainContext = false; // written before the timer exists
    bool isTimeout = false;     // written before the timer exists
    int cleanupsAtCreation = 0; // written before the timer exists
    std::atomic<int> runs{0};
    std::atomic<bool> clearRequested{false};
    std::atomic<bool> clearedByWorker{false};
    bool clearedOnContext = false; // main thread only
};

struct Ledger
{
    std::mutex lock;
    std::vector<std::shared_ptr<Probe>> probes; // guarded by lock

    std::atomic<int> cleanupRequests{0};
    std::atomic<int> violations{0};
    std::atomic<long> fires{0};
    std::atomic<long> mainFires{0};  // fires on the main thread's context
    std::atomic<long> otherFires{0}; // fires on the other thread's context
    bool workersJoined = false; // main thread only

    std::shared_ptr<Probe> pick(std::mt19937 &random)
    {
        std::lock_guard guard(lock);
        if (probes.empty())
            return nullptr;
        return probes[random() % probes.size()];
    }
};

int stressMilliseconds()
{
    const int fromEnv = qEnvironmentVariableIntValue("HAVEL_STRESS_MS");
    return fromEnv > 0 ? fromEnv : 2000;
}

} // namespace

class tst_TimerConcurrency : public QObject
{
    Q_OBJECT

private slots:
    void randomOperationsFromManyThreads();
    void everyTimeoutFiresExactlyOnce();
    void racingClearsSucceedOnce();
};

void tst_TimerConcurrency::randomOperationsFromManyThreads()
{
    constexpr int workerCount = 8;
    constexpr std::size_t maxProbes = 30000;

    TimerManager manager;
    QObject mainContext;
    ContextThread otherThread;
    QObject *otherContext = otherThread.context();
    Ledger ledger;

    const auto makeCallback = [&](const std::shared_ptr<Probe> &probe) {
        return [&manager, &ledger, probe] {
            const int runs = ++probe->runs;
            ++ledger.fires;
            ++(probe->onMainContext ? ledger.mainFires : ledger.otherFires);
            if (probe->isTimeout && runs > 1)
                ++ledger.violations; // a timeout fired twice
            if (!probe->onMainContext)
                return;
            // Strict on the context thread: a clear made here, or seen here, is final.
            if (probe->clearedOnContext || (ledger.workersJoined && probe->clearedByWorker))
                ++ledger.violations;
            // Every fire belongs to a live id, unless a clear of it may be on its way.
            const TimerId id = probe->id.load();
            if (id != InvalidTimerId && !manager.timerStatus(id) && !probe->clearRequested
                && ledger.cleanupRequests.load() == probe->cleanupsAtCreation) {
                ++ledger.violations;
            }
        };
    };

    std::atomic<bool> stop{false};
    std::vector<std::thread> workers;
    for (int w = 0; w < workerCount; ++w) {
        workers.emplace_back([&, w] {
            std::mt19937 random(1000u + unsigned(w));
            while (!stop.load()) {
                const int op = int(random() % 1000);
                if (op < 400) {
                    {
                        std::lock_guard guard(ledger.lock);
                        if (ledger.probes.size() >= maxProbes)
                            continue;
                    }
                    auto probe = std::make_shared<Probe>();
                    probe->onMainContext = random() % 2;
                    probe->isTimeout = random() % 2;
                    probe->cleanupsAtCreation = ledger.cleanupRequests.load();
                    QObject *context = probe->onMainContext ? &mainContext : otherContext;
                    const auto delay = std::chrono::milliseconds(1 + random() % 20);
                    const TimerId id = probe->isTimeout
                            ? manager.setTimeout(context, delay, makeCallback(probe))
                            : manager.setInterval(context, delay, makeCallback(probe));
                    if (id == InvalidTimerId) {
                        ++ledger.violations;
                        continue;
                    }
                    probe->id = id;
                    std::lock_guard guard(ledger.lock);
                    ledger.probes.push_back(std::move(probe));
                } else if (op < 600) {
                    if (auto probe = ledger.pick(random)) {
                        probe->clearRequested = true;
                        if (manager.stopTimer(probe->id))
                            probe->clearedByWorker = true;
                    }
                } else if (op < 700) {
                    if (auto probe = ledger.pick(random))
                        manager.pauseTimer(probe->id);
                } else if (op < 800) {
                    if (auto probe = ledger.pick(random))
                        manager.resumeTimer(probe->id);
                } else if (op < 900) {
                    if (auto probe = ledger.pick(random)) {
                        if (const auto status = manager.timerStatus(probe->id);
                            status && status->id != probe->id) {
                            ++ledger.violations;
                        }
                    }
                } else if (op < 998) {
                    const QList<TimerId> ids = manager.activeTimers();
                    for (qsizetype i = 1; i < ids.size(); ++i) {
                        if (ids[i - 1] >= ids[i])
                            ++ledger.violations; // not in creation order
                    }
                } else {
                    ++ledger.cleanupRequests;
                    manager.cleanupAllTimers();
                }
            }
        });
    }

    // The main thread is a context too, and clears some of its own timers, the strict case.
    std::mt19937 random(7);
    QElapsedTimer clock;
    clock.start();
    // The stress runs its time, and on a loaded machine longer, until each context has run a
    // fire (the checks at the end need both to have been exercised), up to 60 s.
    const auto bothContextsFired = [&ledger] {
        return ledger.mainFires.load() > 0 && ledger.otherFires.load() > 0;
    };
    while (clock.elapsed() < stressMilliseconds()
           || (!bothContextsFired() && clock.elapsed() < 60'000)) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        if (auto probe = ledger.pick(random); probe && probe->onMainContext) {
            probe->clearRequested = true;
            if (manager.stopTimer(probe->id))
                probe->clearedOnContext = true;
        }
    }
    stop = true;
    for (std::thread &worker : workers)
        worker.join();
    ledger.workersJoined = true;

    // Fire counts agree with the callbacks' own counts for this thread's live timers.
    {
        std::lock_guard guard(ledger.lock);
        for (const auto &probe : ledger.probes) {
            if (!probe->onMainContext)
                continue;
            if (const auto status = manager.timerStatus(probe->id))
                QCOMPARE(status->fireCount, quint64(probe->runs.load()));
        }
    }

    // Run what is queued here, so that the survivors fire with every clear now visible here.
    bool drained = false;
    QMetaObject::invokeMethod(&mainContext, [&drained] { drained = true; }, Qt::QueuedConnection);
    QTRY_VERIFY(drained);
    const int live = int(manager.activeTimerCount());
    QCOMPARE(manager.cleanupAllTimers(), live);
    QVERIFY(manager.activeTimers().isEmpty());
    // Made on this thread, the cleanup is final here at once: no fire of this context may run
    // after it, even one already queued. Markers due after every stopped timer would have been
    // (delays are at most 20 ms) show it, one per context.
    const long mainAtCleanup = ledger.mainFires.load();
    bool mainMarker = false;
    std::atomic<bool> otherMarker{false};
    QVERIFY(manager.setTimeout(&mainContext, 30ms, [&mainMarker] { mainMarker = true; }));
    QVERIFY(manager.setTimeout(otherContext, 30ms, [&otherMarker] { otherMarker = true; }));
    QTRY_VERIFY_WITH_TIMEOUT(mainMarker && otherMarker, 20000);
    QCOMPARE(ledger.mainFires.load(), mainAtCleanup);
    // The other context may have been running a fire at the cleanup; once its marker has run,
    // nothing more may run there either.
    const long otherAfterMarker = ledger.otherFires.load();
    std::atomic<bool> secondMarker{false};
    QVERIFY(manager.setTimeout(otherContext, 30ms, [&secondMarker] { secondMarker = true; }));
    QTRY_VERIFY_WITH_TIMEOUT(secondMarker.load(), 20000);
    QCOMPARE(ledger.otherFires.load(), otherAfterMarker);
    QCOMPARE(manager.activeTimerCount(), 0);

    QCOMPARE(ledger.violations.load(), 0);
    QVERIFY(ledger.mainFires.load() > 0);
    QVERIFY(ledger.otherFires.load() > 0);
    qInfo("%ld fires, %zu timers created", ledger.fires.load(), ledger.probes.size());
}

void tst_TimerConcurrency::everyTimeoutFiresExactlyOnce()
{
    constexpr int threads = 8;
    constexpr int perThread = 1500;

    TimerManager manager;
    QObject context;
    std::vector<std::atomic<int>> runs(threads * perThread);
    std::vector<std::thread> creators;
    for (int t = 0; t < threads; ++t) {
        creators.emplace_back([&, t] {
            for (int i = 0; i < perThread; ++i) {
                const int slot = t * perThread + i;
                manager.setTimeout(&context, std::chrono::milliseconds(i % 7),
                                   [&runs, slot] { ++runs[slot]; });
            }
        });
    }
    for (std::thread &creator : creators)
        creator.join();
    QTRY_COMPARE_WITH_TIMEOUT(manager.activeTimerCount(), 0, 20000);
    for (std::size_t slot = 0; slot < runs.size(); ++slot)
        QCOMPARE(runs[slot].load(), 1); // none lost, none doubled
}

void tst_TimerConcurrency::racingClearsSucceedOnce()
{
    constexpr int count = 5000;
    TimerManager manager;
    QObject context;
    std::vector<TimerId> ids;
    for (int i = 0; i < count; ++i)
        ids.push_back(manager.setInterval(&context, 1ms, [] { }));

    std::atomic<int> successes{0};
    std::vector<std::thread> clearers;
    for (int t = 0; t < 4; ++t) {
        clearers.emplace_back([&] {
            for (const TimerId id : ids)
                successes += manager.clearInterval(id) ? 1 : 0;
        });
    }
    for (int i = 0; i < 50; ++i)
        QCoreApplication::processEvents(); // fires race with the clears
    for (std::thread &clearer : clearers)
        clearer.join();
    QCOMPARE(successes.load(), count);
    QCOMPARE(manager.activeTimerCount(), 0);
}

QTEST_MAIN(tst_TimerConcurrency)
#include "tst_timerconcurrency.moc"
