// TimerManager: one test per point of the contract in docs/timer-core.md ("The timer contract").
//
// Synchronisation is on states and signals. Where a test needs a fire to be already queued to
// a context thread, it uses a second timer on another context thread that comes due after it:
// the timer thread hands out fires in deadline order, so once the later timer's callback has
// run elsewhere, the earlier fire is certainly waiting in this thread's queue.
#include "contextthread.h"
#include "timermanager.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QRegularExpression>
#include <QtTest/QSignalSpy>
#include <QtTest/QtTest>

#include <atomic>
#include <future>
#include <limits>
#include <memory>
#include <stdexcept>
#include <thread>

using namespace std::chrono_literals;
using havel::InvalidTimerId;
using havel::TimerId;
using havel::TimerKind;
using havel::TimerManager;
using havel::TimerOptions;
using havel::TimerState;

Q_DECLARE_METATYPE(havel::TimerId)

namespace {

//! Records the thread it is destroyed on: callbacks must die on their context thread.
struct DeathWitness
{
    explicit DeathWitness(std::atomic<QThread *> *diedOn) : diedOn(diedOn) { }
    ~DeathWitness() { diedOn->store(QThread::currentThread()); }
    std::atomic<QThread *> *diedOn;
};

//! Runs every event already posted to the current thread, by waiting for a marker posted
//! after them. Needs no sleep: posted events are delivered in order.
void drainPostedEvents()
{
    bool reached = false;
    QObject marker;
    QMetaObject::invokeMethod(&marker, [&reached] { reached = true; }, Qt::QueuedConnection);
    QTRY_VERIFY_WITH_TIMEOUT(reached, 5000);
}

} // namespace

class tst_TimerManager : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    // 1. Clear means never.
    void clearOnContextThreadDropsQueuedFire();
    void clearOnContextThreadFreesCallbackAtOnce();
    void clearFromAnotherThread();
    void clearFromAnotherThreadMidBatch();
    // 2. Equal deadlines fire in creation order.
    void equalDeadlinesFireInCreationOrder_data();
    void equalDeadlinesFireInCreationOrder();
    // 3. Intervals never re-enter; piled-up ticks are coalesced and counted.
    void intervalNeverReenters_data();
    void intervalNeverReenters();
    void nestedLoopRunsFiresDueWithIt();
    // 4. Exceptions are isolated.
    void exceptionIsCaughtCountedAndReported_data();
    void exceptionIsCaughtCountedAndReported();
    void errorPolicyStopsTimer_data();
    void errorPolicyStopsTimer();
    // 5. Pause and resume keep the remaining time.
    void pauseResumeKeepsRemainingTime_data();
    void pauseResumeKeepsRemainingTime();
    void pausedTimeoutDoesNotFire();
    // 6. A timeout that ran leaves the registry.
    void finishedTimeoutLeavesRegistry();
    // 7. cleanupAllTimers from anywhere.
    void cleanupAllStopsEverything_data();
    void cleanupAllStopsEverything();
    // 8. Bad input.
    void badInputIsRefused_data();
    void badInputIsRefused();
    void unknownIdsAreHarmless();
    void hugeDelaysNeverFireEarly_data();
    void hugeDelaysNeverFireEarly();
    void zeroDelayFiresOnNextIteration();
    void absoluteDeadlinesAtTheClocksEnds_data();
    void absoluteDeadlinesAtTheClocksEnds();
    // 9. Destruction while busy.
    void destroyWhileFiresAreQueued_data();
    void destroyWhileFiresAreQueued();
    void destroyFromInsideCallback();
    // 10. Status.
    void statusReportsEveryField();
    void activeTimersInCreationOrder();
    // 11. Observers.
    void registryVersionIgnoresFires();
    void snapshotMatchesRegistry();
    // Contexts.
    void callbacksRunOnTheirContextThread();
    void destroyedContextStopsItsTimers();
    void idsAreSharedAndIncreasing();
    void contextMovedToAnotherThread();
    void contextMovedFromInsideItsCallback();
    // Teardown and error paths.
    void callbackDestructorsMayCreateTimers();
    void callbackFailedSlotMayWaitForAnotherThread();

private:
    //! Waits, without running this thread's events, until a timer on another context thread
    //! that comes due after everything created so far has run.
    void waitUntilEarlierFiresAreQueued(TimerManager &manager);

    ContextThread m_other;
};

void tst_TimerManager::initTestCase()
{
    qRegisterMetaType<havel::TimerId>("havel::TimerId");
}

void tst_TimerManager::waitUntilEarlierFiresAreQueued(TimerManager &manager)
{
    auto ran = std::make_shared<std::promise<void>>();
    std::future<void> done = ran->get_future();
    QVERIFY(manager.setTimeout(m_other.context(), 0ms, [ran] { ran->set_value(); }));
    QCOMPARE(done.wait_for(10s), std::future_status::ready);
}

// --- 1 ---------------------------------------------------------------------------------

void tst_TimerManager::clearOnContextThreadDropsQueuedFire()
{
    TimerManager manager;
    QObject context;
    constexpr int count = 50;
    std::atomic<int> ran{0};
    QList<TimerId> ids;
    for (int i = 0; i < count; ++i)
        ids.append(manager.setTimeout(&context, 0ms, [&ran] { ++ran; }));

    waitUntilEarlierFiresAreQueued(manager);
    // The fires are in this thread's queue now; clearing must still win.
    for (TimerId id : ids)
        QVERIFY(manager.clearTimeout(id));

    bool markerRan = false;
    QVERIFY(manager.setTimeout(&context, 0ms, [&markerRan] { markerRan = true; }));
    QTRY_VERIFY(markerRan); // delivered after the queued fires of the cleared timers
    drainPostedEvents();
    QCOMPARE(ran.load(), 0);
    QCOMPARE(manager.activeTimerCount(), 0);
}

// Stopping a timer on its context thread frees its callback before stopTimer() returns: the
// memory a callback holds (a script closure, say) goes with the timer.
void tst_TimerManager::clearOnContextThreadFreesCallbackAtOnce()
{
    TimerManager manager;
    QObject context;
    std::atomic<QThread *> diedOn{nullptr};
    auto witness = std::make_shared<DeathWitness>(&diedOn);
    const TimerId id = manager.setInterval(&context, 1h, [witness] { });
    witness.reset();
    std::thread other([&] { manager.setInterval(&context, 1h, [] { }); }); // a handover too
    other.join();
    QVERIFY(manager.stopTimer(id));
    QCOMPARE(diedOn.load(), QThread::currentThread());
}

void tst_TimerManager::clearFromAnotherThread()
{
    TimerManager manager;
    QObject context;
    std::atomic<int> ran{0};
    const TimerId interval = manager.setInterval(&context, 1ms, [&ran] { ++ran; });
    QTRY_VERIFY(ran.load() >= 2);

    bool cleared = false;
    std::thread clearer([&] { cleared = manager.clearInterval(interval); });
    clearer.join(); // from here on this thread has seen the clear
    QVERIFY(cleared);
    drainPostedEvents();
    const int afterClear = ran.load();

    bool markerRan = false;
    QVERIFY(manager.setTimeout(&context, 5ms, [&markerRan] { markerRan = true; }));
    QTRY_VERIFY(markerRan);
    QCOMPARE(ran.load(), afterClear);
    QVERIFY(!manager.timerStatus(interval));
}

// A clear made on another thread while the context thread runs a batch: callback A, in the same
// batch as B, has another thread clear B and waits for that clear. B must not run, although its
// fire is already in the batch being run and its callback still in the map: only the check
// that the timer is still registered, made just before each callback, stands in the way.
void tst_TimerManager::clearFromAnotherThreadMidBatch()
{
    TimerManager manager;
    QObject context;
    bool bRan = false;
    bool aRan = false;
    TimerId b = InvalidTimerId;
    const TimerId a = manager.setTimeout(&context, 0ms, [&] {
        aRan = true;
        std::thread clearer([&manager, b] { QVERIFY(manager.clearTimeout(b)); });
        clearer.join(); // the clear is done, and seen by this thread
    });
    b = manager.setTimeout(&context, 0ms, [&bRan] { bRan = true; });
    QVERIFY(a != InvalidTimerId && b != InvalidTimerId);
    // Both are due at once and go to this thread in one batch, A first (creation order).
    waitUntilEarlierFiresAreQueued(manager);
    QTRY_VERIFY(aRan);
    drainPostedEvents();
    QVERIFY(!bRan);
    QVERIFY(!manager.timerStatus(b));
}

// --- 2 ---------------------------------------------------------------------------------

void tst_TimerManager::equalDeadlinesFireInCreationOrder_data()
{
    QTest::addColumn<bool>("absoluteDeadline");
    QTest::addColumn<int>("count");
    QTest::newRow("same absolute deadline") << true << 300;
    QTest::newRow("same zero delay") << false << 300;
}

void tst_TimerManager::equalDeadlinesFireInCreationOrder()
{
    QFETCH(bool, absoluteDeadline);
    QFETCH(int, count);

    TimerManager manager;
    QObject context;
    QList<TimerId> created;
    QList<TimerId> fired;
    // More timers than QTimers the manager arms, so the order must come from its own queue.
    const auto deadline = std::chrono::steady_clock::now() + 30ms;
    for (int i = 0; i < count; ++i) {
        auto slot = std::make_shared<TimerId>(0);
        const auto callback = [&fired, slot] { fired.append(*slot); };
        *slot = absoluteDeadline ? manager.setTimeoutAt(&context, deadline, callback)
                                 : manager.setTimeout(&context, 0ms, callback);
        created.append(*slot);
    }
    QTRY_COMPARE(fired.size(), count);
    QCOMPARE(fired, created);
}

// --- 3 ---------------------------------------------------------------------------------

void tst_TimerManager::intervalNeverReenters_data()
{
    QTest::addColumn<bool>("nestedEventLoop");
    QTest::newRow("busy callback") << false;
    QTest::newRow("callback running a nested event loop") << true;
}

void tst_TimerManager::intervalNeverReenters()
{
    QFETCH(bool, nestedEventLoop);

    TimerManager manager;
    QObject context;
    int runs = 0;
    int depth = 0;
    int maxDepth = 0;
    int runsOfOthersInside = 0;
    const TimerId other = manager.setInterval(&context, 2ms, [&] {
        if (depth > 0)
            ++runsOfOthersInside;
    });
    const TimerId id = manager.setInterval(&context, 2ms, [&] {
        maxDepth = std::max(maxDepth, ++depth);
        if (++runs == 1) {
            // About 50 ticks come due meanwhile. A busy script blocks; a script's sleep()
            // runs a nested loop, where other timers run but this one must not.
            if (nestedEventLoop) {
                QElapsedTimer clock;
                clock.start();
                while (clock.elapsed() < 100)
                    QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
            } else {
                QThread::msleep(100);
            }
        }
        --depth;
    });
    // Wait for the evidence: the ticks of the busy time were merged into one pending call.
    QTRY_VERIFY(manager.timerStatus(id)->skippedTicks >= 20 && runs >= 2);
    const auto status = manager.timerStatus(id);
    manager.stopTimer(id);
    manager.stopTimer(other);

    QCOMPARE(maxDepth, 1);
    QCOMPARE(status->errorCount, quint64(0)); // no attempt at running it inside itself
    QCOMPARE(status->fireCount, quint64(runs));
    QVERIFY2(runs < 20, qPrintable(QString::number(runs))); // ~50 ticks ran as one call
    QCOMPARE(runsOfOthersInside > 0, nestedEventLoop);
}

// A callback that spins a nested event loop (a script's sleep()) must not hold back the fires
// that reached its thread in the same batch: they are due, so the nested loop runs them. The
// loop has a way out after 5 s, so that a regression fails instead of hanging.
void tst_TimerManager::nestedLoopRunsFiresDueWithIt()
{
    TimerManager manager;
    QObject context;
    QEventLoop *nestedLoop = nullptr;
    bool secondRan = false;
    bool secondRanInsideFirst = false;
    QVERIFY(manager.setTimeout(&context, 0ms, [&] {
        QEventLoop loop;
        QTimer::singleShot(5s, &loop, &QEventLoop::quit);
        nestedLoop = &loop;
        if (!secondRan)
            loop.exec();
        nestedLoop = nullptr;
    }));
    QVERIFY(manager.setTimeout(&context, 0ms, [&] {
        secondRan = true;
        secondRanInsideFirst = nestedLoop != nullptr;
        if (nestedLoop)
            nestedLoop->quit();
    }));
    // Both fires wait in this thread's queue, to be delivered together.
    waitUntilEarlierFiresAreQueued(manager);
    QTRY_VERIFY_WITH_TIMEOUT(secondRan && !nestedLoop, 10000);
    QVERIFY2(secondRanInsideFirst, "the second fire waited until the first callback returned");
}

// --- 4 ---------------------------------------------------------------------------------

void tst_TimerManager::exceptionIsCaughtCountedAndReported_data()
{
    QTest::addColumn<bool>("standardException");
    QTest::addColumn<QString>("message");
    QTest::newRow("std::runtime_error") << true << QStringLiteral("boom");
    QTest::newRow("int") << false
                         << QStringLiteral("unknown exception (not derived from std::exception)");
}

void tst_TimerManager::exceptionIsCaughtCountedAndReported()
{
    QFETCH(bool, standardException);
    QFETCH(QString, message);

    TimerManager manager;
    QObject context;
    QSignalSpy failures(&manager, &TimerManager::callbackFailed);
    int runs = 0;
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(QStringLiteral("callback failed: ")
                                            + QRegularExpression::escape(message)));
    const TimerId id = manager.setInterval(&context, 5ms, [&] {
        if (++runs == 1) {
            if (standardException)
                throw std::runtime_error("boom");
            throw 42;
        }
    });
    QTRY_VERIFY(runs >= 3); // the interval kept ticking
    QCOMPARE(failures.size(), 1);
    QCOMPARE(failures.at(0).at(0).value<TimerId>(), id);
    QCOMPARE(failures.at(0).at(1).toString(), message);
    const auto status = manager.timerStatus(id);
    QVERIFY(status);
    QCOMPARE(status->errorCount, quint64(1));
    QCOMPARE(status->lastError, message);
}

void tst_TimerManager::errorPolicyStopsTimer_data()
{
    QTest::addColumn<int>("stopAfterErrors");
    QTest::newRow("stop on first error") << 1;
    QTest::newRow("stop after three errors") << 3;
}

void tst_TimerManager::errorPolicyStopsTimer()
{
    QFETCH(int, stopAfterErrors);

    TimerManager manager;
    QObject context;
    QSignalSpy failures(&manager, &TimerManager::callbackFailed);
    int runs = 0;
    for (int i = 0; i < stopAfterErrors; ++i)
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("callback failed")));
    TimerOptions options;
    options.stopAfterErrors = stopAfterErrors;
    const TimerId id = manager.setInterval(
            &context, 2ms, [&runs] {
                ++runs;
                throw std::runtime_error("always");
            },
            options);
    QTRY_COMPARE(failures.size(), stopAfterErrors);
    QTRY_VERIFY(!manager.timerStatus(id));
    drainPostedEvents();
    QCOMPARE(runs, stopAfterErrors);
}

// --- 5 ---------------------------------------------------------------------------------

void tst_TimerManager::pauseResumeKeepsRemainingTime_data()
{
    QTest::addColumn<TimerKind>("kind");
    QTest::newRow("timeout") << TimerKind::Timeout;
    QTest::newRow("interval") << TimerKind::Interval;
}

void tst_TimerManager::pauseResumeKeepsRemainingTime()
{
    QFETCH(TimerKind, kind);
    using std::chrono::steady_clock;

    TimerManager manager;
    QObject context;
    std::optional<steady_clock::time_point> firedAt;
    const auto callback = [&firedAt] {
        if (!firedAt)
            firedAt = steady_clock::now();
    };
    const TimerId id = kind == TimerKind::Timeout ? manager.setTimeout(&context, 2000ms, callback)
                                                  : manager.setInterval(&context, 2000ms, callback);
    // Some of its time goes by first, marked by another timer rather than a sleep: pausing must
    // keep what is left, not the whole delay.
    bool progressed = false;
    manager.setTimeout(&context, 150ms, [&progressed] { progressed = true; });
    QTRY_VERIFY_WITH_TIMEOUT(progressed, 10000);
    QVERIFY(manager.pauseTimer(id));
    const auto paused = manager.timerStatus(id);
    QVERIFY(paused);
    QCOMPARE(paused->state, TimerState::Paused);
    QVERIFY2(paused->remaining <= 1850ms && paused->remaining > 0ms,
             qPrintable(QString::number(paused->remaining.count())));

    // Frozen while paused: still the same after another timer has come and gone.
    bool later = false;
    manager.setTimeout(&context, 50ms, [&later] { later = true; });
    QTRY_VERIFY_WITH_TIMEOUT(later, 10000);
    QVERIFY(!firedAt);
    QCOMPARE(manager.timerStatus(id)->remaining, paused->remaining);

    // Resumed with what was left: the new deadline is the resume plus that, to the clock's
    // precision, which the time around the call brackets.
    const auto beforeResume = steady_clock::now();
    QVERIFY(manager.resumeTimer(id));
    const auto afterResume = steady_clock::now();
    const auto resumed = manager.timerStatus(id);
    QCOMPARE(resumed->state, TimerState::Active);
    QVERIFY(resumed->remaining <= paused->remaining);
    QVERIFY(resumed->nextDue >= beforeResume + paused->remaining);
    QVERIFY(resumed->nextDue <= afterResume + paused->remaining);
    QTRY_VERIFY_WITH_TIMEOUT(firedAt.has_value(), 20000);
    QVERIFY(*firedAt >= beforeResume + paused->remaining); // never early
}

void tst_TimerManager::pausedTimeoutDoesNotFire()
{
    TimerManager manager;
    QObject context;
    bool ran = false;
    const TimerId id = manager.setTimeout(&context, 0ms, [&ran] { ran = true; });
    waitUntilEarlierFiresAreQueued(manager);
    QVERIFY(manager.pauseTimer(id)); // paused with its fire already queued
    drainPostedEvents();
    QVERIFY(!ran);
    QCOMPARE(manager.timerStatus(id)->remaining, 0ns);
    QVERIFY(manager.resumeTimer(id)); // and it gets the fire back
    QTRY_VERIFY(ran);
    QTRY_VERIFY(!manager.timerStatus(id));
}

// --- 6 ---------------------------------------------------------------------------------

void tst_TimerManager::finishedTimeoutLeavesRegistry()
{
    TimerManager manager;
    QObject context;
    std::optional<havel::TimerStatus> seenInside;
    TimerId id = InvalidTimerId;
    id = manager.setTimeout(&context, 1ms, [&] { seenInside = manager.timerStatus(id); });
    QVERIFY(id != InvalidTimerId);
    QTRY_VERIFY(seenInside.has_value());
    QCOMPARE(seenInside->fireCount, quint64(1)); // still registered while it runs
    QVERIFY(!manager.timerStatus(id));
    QVERIFY(manager.activeTimers().isEmpty());
    QVERIFY(!manager.stopTimer(id));
}

// --- 7 ---------------------------------------------------------------------------------

void tst_TimerManager::cleanupAllStopsEverything_data()
{
    QTest::addColumn<QString>("from");
    QTest::newRow("context thread") << QStringLiteral("context");
    QTest::newRow("another thread") << QStringLiteral("thread");
    QTest::newRow("inside a callback") << QStringLiteral("callback");
}

void tst_TimerManager::cleanupAllStopsEverything()
{
    QFETCH(QString, from);

    TimerManager manager;
    QObject context;
    std::atomic<int> runs{0};
    for (int i = 0; i < 5; ++i) {
        manager.setInterval(&context, 50ms, [&runs] { ++runs; });
        manager.setTimeout(&context, 50ms, [&runs] { ++runs; });
    }
    // Timers of another context go too.
    for (int i = 0; i < 3; ++i)
        manager.setInterval(m_other.context(), 50ms, [&runs] { ++runs; });
    QCOMPARE(manager.activeTimerCount(), 13);

    int stopped = -1;
    if (from == QLatin1String("context")) {
        stopped = manager.cleanupAllTimers();
    } else if (from == QLatin1String("thread")) {
        std::thread other([&] { stopped = manager.cleanupAllTimers(); });
        other.join();
    } else {
        manager.setTimeout(&context, 0ms, [&] { stopped = manager.cleanupAllTimers(); });
        QTRY_VERIFY(stopped >= 0);
        QCOMPARE(stopped, 14); // the timeout that runs is still live while it runs
        stopped = 13;
    }
    QCOMPARE(stopped, 13);
    QVERIFY(manager.activeTimers().isEmpty());

    const int before = runs.load();
    bool markerRan = false;
    manager.setTimeout(&context, 120ms, [&markerRan] { markerRan = true; });
    QTRY_VERIFY(markerRan); // past the 50 ms the stopped timers were due at
    QCOMPARE(runs.load(), before);
    QCOMPARE(manager.cleanupAllTimers(), 0);
}

// --- 8 ---------------------------------------------------------------------------------

void tst_TimerManager::badInputIsRefused_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("warning");
    QTest::newRow("negative delay") << "negative delay" << "setTimeout: negative delay (-1 ms)";
    QTest::newRow("negative interval") << "negative interval"
                                       << "setInterval: negative interval (-5 ms)";
    QTest::newRow("empty callback") << "empty callback" << "setTimeout: empty callback";
    QTest::newRow("null context") << "null context" << "setInterval: null context";
    QTest::newRow("context on the timer thread") << "timer thread context"
                                                 << "a context on the timer thread";
    QTest::newRow("negative error policy") << "negative policy"
                                           << "negative stopAfterErrors (-2)";
}

void tst_TimerManager::badInputIsRefused()
{
    QFETCH(QString, input);
    QFETCH(QString, warning);

    TimerManager manager;
    QObject context;
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(QRegularExpression::escape(warning)));
    const auto noop = [] { };
    TimerId id = 1;
    if (input == QLatin1String("negative delay")) {
        id = manager.setTimeout(&context, -1ms, noop);
    } else if (input == QLatin1String("negative interval")) {
        id = manager.setInterval(&context, -5ms, noop);
    } else if (input == QLatin1String("empty callback")) {
        id = manager.setTimeout(&context, 1ms, havel::TimerCallback());
    } else if (input == QLatin1String("null context")) {
        id = manager.setInterval(nullptr, 1ms, noop);
    } else if (input == QLatin1String("timer thread context")) {
        QObject onTimerThread;
        onTimerThread.moveToThread(manager.timerThread());
        id = manager.setTimeout(&onTimerThread, 1ms, noop);
    } else {
        TimerOptions options;
        options.stopAfterErrors = -2;
        id = manager.setInterval(&context, 1ms, noop, options);
    }
    QCOMPARE(id, InvalidTimerId);
    QCOMPARE(manager.activeTimerCount(), 0);
}

void tst_TimerManager::unknownIdsAreHarmless()
{
    TimerManager manager;
    QObject context;
    const TimerId id = manager.setTimeout(&context, 1h, [] { });
    QVERIFY(manager.clearTimeout(id));
    for (const TimerId bad : {id, TimerId(0), TimerId(12345), std::numeric_limits<TimerId>::max()}) {
        QVERIFY(!manager.stopTimer(bad));
        QVERIFY(!manager.clearInterval(bad));
        QVERIFY(!manager.pauseTimer(bad));
        QVERIFY(!manager.resumeTimer(bad));
        QVERIFY(!manager.timerStatus(bad));
    }
}

void tst_TimerManager::hugeDelaysNeverFireEarly_data()
{
    QTest::addColumn<qint64>("delayMs");
    QTest::newRow("just above what a QTimer holds") << qint64(std::numeric_limits<int>::max()) + 1;
    QTest::newRow("a year") << qint64(365) * 24 * 3600 * 1000;
    QTest::newRow("above 2^63 ns") << std::numeric_limits<qint64>::max() / 1000;
    QTest::newRow("largest") << std::numeric_limits<qint64>::max();
}

void tst_TimerManager::hugeDelaysNeverFireEarly()
{
    QFETCH(qint64, delayMs);

    TimerManager manager;
    QObject context;
    bool ran = false;
    const TimerId timeout = manager.setTimeout(&context, std::chrono::milliseconds(delayMs),
                                               [&ran] { ran = true; });
    const TimerId interval = manager.setInterval(&context, std::chrono::milliseconds(delayMs),
                                                 [&ran] { ran = true; });
    QVERIFY(timeout != InvalidTimerId);
    QVERIFY(interval != InvalidTimerId);

    bool markerRan = false;
    manager.setTimeout(&context, 50ms, [&markerRan] { markerRan = true; });
    QTRY_VERIFY(markerRan);
    QVERIFY(!ran);
    const auto status = manager.timerStatus(timeout);
    QVERIFY(status);
    // The remaining time is the delay, saturated where the steady clock ends.
    QVERIFY(status->remaining > std::chrono::milliseconds(std::numeric_limits<int>::max()) - 60s);
    // Delays beyond what nanoseconds hold are saturated, and said so.
    QCOMPARE(status->interval.count(),
             std::min(delayMs, std::numeric_limits<qint64>::max() / 1'000'000));
}

void tst_TimerManager::zeroDelayFiresOnNextIteration()
{
    TimerManager manager;
    QObject context;
    bool ran = false;
    manager.setTimeout(&context, 0ms, [&ran] { ran = true; });
    QVERIFY(!ran); // never synchronously
    QTRY_VERIFY_WITH_TIMEOUT(ran, 1000);
}

void tst_TimerManager::absoluteDeadlinesAtTheClocksEnds_data()
{
    QTest::addColumn<bool>("past");
    QTest::newRow("the steady clock's minimum") << true;
    QTest::newRow("the steady clock's maximum") << false;
}

void tst_TimerManager::absoluteDeadlinesAtTheClocksEnds()
{
    QFETCH(bool, past);
    TimerManager manager;
    QObject context;
    bool ran = false;
    const auto deadline = past ? std::chrono::steady_clock::time_point::min()
                               : std::chrono::steady_clock::time_point::max();
    const TimerId id = manager.setTimeoutAt(&context, deadline, [&ran] { ran = true; });
    QVERIFY(id != InvalidTimerId);
    const auto status = manager.timerStatus(id);
    QVERIFY(status);
    if (past) {
        // Already due: no delay (and no overflow computing one), and it fires at once.
        QCOMPARE(status->interval, 0ms);
        QCOMPARE(status->remaining, 0ns);
        QTRY_VERIFY(ran);
    } else {
        bool markerRan = false;
        manager.setTimeout(&context, 20ms, [&markerRan] { markerRan = true; });
        QTRY_VERIFY(markerRan);
        QVERIFY(!ran);
        QVERIFY(manager.timerStatus(id)->remaining > std::chrono::hours(24 * 365));
    }
}

// --- 9 ---------------------------------------------------------------------------------

void tst_TimerManager::destroyWhileFiresAreQueued_data()
{
    QTest::addColumn<bool>("fromAnotherThread");
    QTest::newRow("destroyed on the context thread") << false;
    QTest::newRow("destroyed on another thread") << true;
}

void tst_TimerManager::destroyWhileFiresAreQueued()
{
    QFETCH(bool, fromAnotherThread);

    auto manager = std::make_unique<TimerManager>();
    QObject context;
    std::atomic<QThread *> diedOn{nullptr};
    auto witness = std::make_shared<DeathWitness>(&diedOn);
    int runs = 0;
    for (int i = 0; i < 200; ++i)
        manager->setTimeout(&context, 0ms, [witness, &runs] { ++runs; });
    for (int i = 0; i < 200; ++i)
        manager->setInterval(&context, 1ms, [witness, &runs] { ++runs; });
    witness.reset();
    waitUntilEarlierFiresAreQueued(*manager);

    QTest::ignoreMessage(QtInfoMsg, QRegularExpression(QStringLiteral("stopped \\d+ live timer")));
    QTest::ignoreMessage(QtInfoMsg, QRegularExpression(QStringLiteral("dropped \\d+ queued")));
    if (fromAnotherThread) {
        std::thread destroyer([&manager] { manager.reset(); });
        destroyer.join();
    } else {
        manager.reset();
    }
    drainPostedEvents();
    QCOMPARE(runs, 0); // nothing queued ran after the destruction
    // Every callback was destroyed, and on its context thread, never on the timer thread.
    QTRY_VERIFY(diedOn.load() != nullptr);
    QCOMPARE(diedOn.load(), QThread::currentThread());
}

void tst_TimerManager::destroyFromInsideCallback()
{
    auto manager = std::make_unique<TimerManager>();
    QObject context;
    int runsAfter = 0;
    bool destroyed = false;
    for (int i = 0; i < 50; ++i)
        manager->setInterval(&context, 1ms, [&] { runsAfter += destroyed ? 1 : 0; });
    manager->setTimeout(&context, 5ms, [&] {
        manager.reset();
        destroyed = true;
    });
    QTRY_VERIFY(destroyed);
    drainPostedEvents();
    QCOMPARE(runsAfter, 0);
}

// --- 10 --------------------------------------------------------------------------------

void tst_TimerManager::statusReportsEveryField()
{
    TimerManager manager;
    QObject context;
    TimerOptions options;
    options.label = QStringLiteral("script.hv:12");
    int runs = 0;
    const TimerId id = manager.setInterval(
            &context, 20ms,
            [&runs] {
                ++runs;
                QThread::msleep(3);
            },
            options);
    QTRY_VERIFY(runs >= 3);
    const auto status = manager.timerStatus(id);
    QVERIFY(status);
    QCOMPARE(status->id, id);
    QCOMPARE(status->kind, TimerKind::Interval);
    QCOMPARE(status->state, TimerState::Active);
    QCOMPARE(status->interval, 20ms);
    QVERIFY(status->remaining <= 20ms);
    QVERIFY(status->nextDue > std::chrono::steady_clock::now() - 1s);
    QCOMPARE(status->fireCount, quint64(runs));
    QCOMPARE(status->errorCount, quint64(0));
    QVERIFY(status->lastError.isEmpty());
    QVERIFY(status->lastLateness >= 0ns); // never early
    QVERIFY(status->maxLateness >= status->lastLateness);
    QVERIFY(status->lastCallbackDuration >= 3ms);
    QVERIFY(status->maxCallbackDuration >= status->lastCallbackDuration);
    QCOMPARE(status->label, QStringLiteral("script.hv:12"));
}

void tst_TimerManager::activeTimersInCreationOrder()
{
    TimerManager manager;
    QObject context;
    QList<TimerId> ids;
    for (int i = 0; i < 5; ++i)
        ids.append(manager.setTimeout(&context, std::chrono::milliseconds(1000 - i * 100), [] { }));
    manager.stopTimer(ids.at(1));
    ids.removeAt(1);
    QCOMPARE(manager.activeTimers(), ids);
    QCOMPARE(manager.activeTimerCount(), 4);
}

// --- 11 --------------------------------------------------------------------------------

void tst_TimerManager::registryVersionIgnoresFires()
{
    TimerManager manager;
    QObject context;
    int runs = 0;
    const quint64 empty = manager.registryVersion();
    const TimerId id = manager.setInterval(&context, 1ms, [&runs] { ++runs; });
    const quint64 added = manager.registryVersion();
    QVERIFY(added != empty);
    QTRY_VERIFY(runs >= 10);
    QCOMPARE(manager.registryVersion(), added); // fires cost observers nothing

    manager.pauseTimer(id);
    const quint64 paused = manager.registryVersion();
    QVERIFY(paused != added);
    manager.resumeTimer(id);
    QVERIFY(manager.registryVersion() != paused);
    const quint64 resumed = manager.registryVersion();
    manager.stopTimer(id);
    QVERIFY(manager.registryVersion() != resumed);
}

void tst_TimerManager::snapshotMatchesRegistry()
{
    TimerManager manager;
    QObject context;
    const TimerId a = manager.setInterval(&context, 1h, [] { });
    const TimerId b = manager.setTimeout(&context, 1h, [] { });
    manager.pauseTimer(b);
    const havel::TimerSnapshot snapshot = manager.snapshot();
    QCOMPARE(snapshot.version, manager.registryVersion());
    QCOMPARE(snapshot.timers.size(), std::size_t(2));
    QCOMPARE(snapshot.timers[0].id, a);
    QCOMPARE(snapshot.timers[0].kind, TimerKind::Interval);
    QCOMPARE(snapshot.timers[1].id, b);
    QCOMPARE(snapshot.timers[1].state, TimerState::Paused);
}

// --- contexts --------------------------------------------------------------------------

void tst_TimerManager::callbacksRunOnTheirContextThread()
{
    TimerManager manager;
    QObject context;
    std::atomic<QThread *> here{nullptr};
    std::atomic<QThread *> there{nullptr};
    // Created from a third thread, for both contexts.
    std::thread creator([&] {
        manager.setTimeout(&context, 0ms, [&here] { here = QThread::currentThread(); });
        manager.setTimeout(m_other.context(), 0ms,
                           [&there] { there = QThread::currentThread(); });
    });
    creator.join();
    QTRY_VERIFY(here.load() && there.load());
    QCOMPARE(here.load(), QThread::currentThread());
    QCOMPARE(there.load(), static_cast<QThread *>(&m_other));
}

void tst_TimerManager::destroyedContextStopsItsTimers()
{
    TimerManager manager;
    std::atomic<int> runs{0};
    std::atomic<QThread *> diedOn{nullptr};
    QThread *contextThread = nullptr;
    {
        ContextThread thread;
        contextThread = &thread;
        auto witness = std::make_shared<DeathWitness>(&diedOn);
        for (int i = 0; i < 20; ++i)
            manager.setInterval(thread.context(), 1ms, [witness, &runs] { ++runs; });
        witness.reset();
        QTRY_VERIFY(runs.load() > 20);
        QCOMPARE(manager.activeTimerCount(), 20);
    } // the context is destroyed on its thread as the thread ends
    QTRY_COMPARE(manager.activeTimerCount(), 0);
    QCOMPARE(diedOn.load(), contextThread);
    const int after = runs.load();
    QObject context;
    bool markerRan = false;
    manager.setTimeout(&context, 10ms, [&markerRan] { markerRan = true; });
    QTRY_VERIFY(markerRan);
    QCOMPARE(runs.load(), after);
}

void tst_TimerManager::idsAreSharedAndIncreasing()
{
    TimerManager manager;
    QObject context;
    const TimerId first = manager.setTimeout(&context, 1h, [] { });
    QCOMPARE(first, TimerId(1));
    const TimerId second = manager.setInterval(&context, 1h, [] { });
    QCOMPARE(second, TimerId(2));
    manager.cleanupAllTimers();
    QCOMPARE(manager.setTimeout(&context, 1h, [] { }), TimerId(3)); // never reused
}

// A context moved to another thread takes its timers along, as a QObject's own QTimers go with
// it: the callbacks run on the new thread from then on, and the timers stop with the context.
void tst_TimerManager::contextMovedToAnotherThread()
{
    TimerManager manager;
    auto *context = new QObject; // deleted on the thread it ends up on
    std::atomic<QThread *> ranOn{nullptr};
    std::atomic<int> runs{0};
    std::atomic<QThread *> diedOn{nullptr};
    auto witness = std::make_shared<DeathWitness>(&diedOn);
    manager.setInterval(context, 1ms, [&, witness] {
        ranOn = QThread::currentThread();
        ++runs;
    });
    witness.reset();
    QTRY_VERIFY(runs >= 2);
    QCOMPARE(ranOn.load(), QThread::currentThread());

    context->moveToThread(&m_other);
    // Made after the move, from here: handed over to the new thread.
    std::atomic<bool> laterRan{false};
    QVERIFY(manager.setTimeout(context, 0ms, [&laterRan] { laterRan = true; }));
    const int before = runs;
    QTRY_VERIFY(runs >= before + 3);
    QCOMPARE(ranOn.load(), static_cast<QThread *>(&m_other));
    QTRY_VERIFY(laterRan);

    postTo(context, [context] { delete context; });
    QTRY_COMPARE(manager.activeTimerCount(), 0);
    QTRY_COMPARE(diedOn.load(), static_cast<QThread *>(&m_other));
}

// The same move, made by the callback itself: the callback's own run finishes on the old thread,
// then the timers run on the new one, never on both at once.
void tst_TimerManager::contextMovedFromInsideItsCallback()
{
    TimerManager manager;
    auto *context = new QObject;
    std::atomic<int> inside{0};
    std::atomic<int> overlaps{0};
    std::atomic<int> runsThere{0};
    std::atomic<int> runs{0};
    QThread *const other = &m_other;
    for (int i = 0; i < 20; ++i) {
        manager.setInterval(context, 1ms, [&, i] {
            if (inside++ > 0)
                ++overlaps;
            if (QThread::currentThread() == other)
                ++runsThere;
            if (++runs == 10 && i == 0)
                QThread::msleep(5); // more fires pile up behind this one
            if (i == 0 && context->thread() != other && runs >= 10)
                context->moveToThread(other);
            --inside;
        });
    }
    QTRY_VERIFY(runsThere >= 50);
    QCOMPARE(overlaps.load(), 0);
    postTo(context, [context] { delete context; });
    QTRY_COMPARE(manager.activeTimerCount(), 0);
}

// --- teardown and error paths --------------------------------------------------------------

namespace {

//! A callback's capture whose destructor creates timers on the same context: stopping its
//! timer must not let it insert into the callback table the stop is walking, nor find a lock
//! of the module held.
struct TimerMakingCapture
{
    TimerMakingCapture(TimerManager *manager, QObject *context, std::atomic<int> *destroyed)
        : manager(manager), context(context), destroyed(destroyed)
    {
    }
    TimerMakingCapture(const TimerMakingCapture &) = delete;
    TimerManager *manager;
    QObject *context;
    std::atomic<int> *destroyed;
    ~TimerMakingCapture()
    {
        for (int i = 0; i < 3; ++i)
            manager->setTimeout(context, 1h, [] { });
        ++*destroyed;
    }
};

} // namespace

void tst_TimerManager::callbackDestructorsMayCreateTimers()
{
    constexpr int count = 2000;
    TimerManager manager;
    QObject context;
    std::atomic<int> destroyed{0};
    for (int i = 0; i < count; ++i) {
        auto capture = std::make_shared<TimerMakingCapture>(&manager, &context, &destroyed);
        manager.setInterval(&context, 1h, [capture = std::move(capture)] { });
    }
    // A sweep that destroyed the callbacks under one of the module's locks would deadlock
    // here, when a destructor calls back in: the watchdog turns that hang into a failure long
    // before any test timeout (it never fires otherwise: the sweep takes milliseconds).
    std::promise<void> swept;
    std::thread watchdog([done = swept.get_future()] {
        if (done.wait_for(60s) == std::future_status::timeout)
            qFatal("cleanupAllTimers() did not return within 60 s: a destructor deadlocked");
    });
    const int stopped = manager.cleanupAllTimers(); // on the context thread: swept right here
    swept.set_value();
    watchdog.join();
    QCOMPARE(stopped, count);
    QCOMPARE(destroyed.load(), count);
    QCOMPARE(manager.activeTimerCount(), 3 * count); // the timers the destructors made
    QCOMPARE(manager.cleanupAllTimers(), 3 * count);
}

// A slot connected directly to callbackFailed runs on the context thread, and may wait for
// another thread that uses the manager: no manager lock may be held across the emission.
void tst_TimerManager::callbackFailedSlotMayWaitForAnotherThread()
{
    TimerManager manager;
    QObject context;
    std::atomic<int> slotRuns{0};
    std::atomic<int> helperTimeouts{0};
    std::vector<std::thread> helpers; // joined at the end, outside any emission
    QObject *const other = m_other.context();
    connect(&manager, &TimerManager::callbackFailed, &context,
            [&](havel::TimerId, const QString &) {
                ++slotRuns;
                auto done = std::make_shared<std::promise<void>>();
                std::future<void> finished = done->get_future();
                helpers.emplace_back([&manager, other, done] {
                    for (int i = 0; i < 20; ++i)
                        manager.stopTimer(manager.setTimeout(other, 1h, [] { }));
                    done->set_value();
                });
                if (finished.wait_for(10s) != std::future_status::ready)
                    ++helperTimeouts;
            },
            Qt::DirectConnection);
    const TimerId id = manager.setInterval(&context, 1ms, [] { throw std::runtime_error("x"); });
    QTRY_VERIFY_WITH_TIMEOUT(slotRuns >= 3 || helperTimeouts > 0, 60000);
    QVERIFY(manager.stopTimer(id));
    for (std::thread &helper : helpers)
        helper.join();
    QCOMPARE(helperTimeouts.load(), 0);
}

QTEST_MAIN(tst_TimerManager)
#include "tst_timermanager.moc"
