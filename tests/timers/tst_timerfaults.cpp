// TimerManager under fault injection: callbacks that throw, clear themselves or everything,
// create timers by the thousand, block or spin a nested event loop, lose their context, or
// destroy the manager, on its own thread or from another one while others hammer it.
//
// Each case asserts that nothing crashes, runs after being cleared or destroyed, or is lost
// without a report (a status counter, callbackFailed, or the registry going empty). Leaks are
// checked by the asan preset, races by the tsan preset. Synchronisation is on states and signals;
// the only sleeps are the faults themselves (a callback that blocks).
#include "contextthread.h"
#include "timermanager.h"

#include <QtCore/QEventLoop>
#include <QtCore/QLoggingCategory>
#include <QtCore/QTimer>
#include <QtTest/QSignalSpy>
#include <QtTest/QtTest>

#include <atomic>
#include <future>
#include <memory>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using havel::InvalidTimerId;
using havel::TimerId;
using havel::TimerManager;

Q_DECLARE_METATYPE(havel::TimerId)

namespace {

//! Runs every event already posted to the current thread, by waiting for a marker posted
//! after them (posted events are delivered in order).
bool drainPostedEvents()
{
    bool reached = false;
    QObject marker;
    QMetaObject::invokeMethod(&marker, [&reached] { reached = true; }, Qt::QueuedConnection);
    return QTest::qWaitFor([&reached] { return reached; }, 20000);
}

//! Waits, without running this thread's events, until a timer on another context thread that
//! comes due after everything created so far has run: earlier fires are then queued here.
bool waitUntilEarlierFiresAreQueued(TimerManager &manager, QObject *otherContext)
{
    auto ran = std::make_shared<std::promise<void>>();
    std::future<void> done = ran->get_future();
    if (manager.setTimeout(otherContext, 0ms, [ran] { ran->set_value(); }) == InvalidTimerId)
        return false;
    return done.wait_for(20s) == std::future_status::ready;
}

//! Waits until @p context's thread has run every event posted to it before this call.
bool waitUntilOtherThreadIdle(QObject *context)
{
    auto ran = std::make_shared<std::promise<void>>();
    std::future<void> done = ran->get_future();
    postTo(context, [ran] { ran->set_value(); });
    return done.wait_for(20s) == std::future_status::ready;
}

//! Counts its destructions, on any thread: every callback must be destroyed exactly once.
struct Witness
{
    explicit Witness(std::atomic<int> *destroyed) : destroyed(destroyed) { }
    Witness(const Witness &) = delete;
    ~Witness() { ++*destroyed; }
    std::atomic<int> *destroyed;
};

} // namespace

//! Thread: the test thread is the context thread of most cases; m_other is a second one.
class tst_TimerFaults : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void callbackThrowsOnEveryTick_data();
    void callbackThrowsOnEveryTick();
    void callbackClearsItself_data();
    void callbackClearsItself();
    void callbackClearsAll();
    void nestedTimers_data();
    void nestedTimers();
    void callbackBlocks_data();
    void callbackBlocks();
    void contextDeletedWhileFiresAreQueued();
    void managerDestroyedInsideCallback();
    void managerDestroyedFromAnotherThread();

private:
    ContextThread m_other;
};

void tst_TimerFaults::initTestCase()
{
    qRegisterMetaType<havel::TimerId>("havel::TimerId");
    // Every failed callback logs a warning; thousands of them would only bury the test's output.
    // The failures are counted through callbackFailed and the status instead.
    QLoggingCategory::setFilterRules(QStringLiteral("havel.timers.warning=false\n"
                                                    "havel.timers.info=false"));
}

// A callback that throws on every tick: each failure is caught, counted and reported, the
// interval keeps ticking, nothing reaches the event loop, and a clear still stops it.
void tst_TimerFaults::callbackThrowsOnEveryTick_data()
{
    QTest::addColumn<bool>("standardException");
    QTest::newRow("std::runtime_error") << true;
    QTest::newRow("int") << false;
}

void tst_TimerFaults::callbackThrowsOnEveryTick()
{
    QFETCH(bool, standardException);
    TimerManager manager;
    QObject context;
    QSignalSpy failed(&manager, &TimerManager::callbackFailed);
    std::atomic<int> runs{0};
    std::atomic<bool> cleared{false};
    std::atomic<int> runsAfterClear{0};
    const TimerId id = manager.setInterval(&context, 1ms, [&, standardException] {
        if (cleared)
            ++runsAfterClear;
        ++runs;
        if (standardException)
            throw std::runtime_error("tick failed");
        throw 42;
    });
    QVERIFY(id != InvalidTimerId);

    QTRY_VERIFY_WITH_TIMEOUT(runs >= 50, 20000);
    QVERIFY(manager.clearInterval(id));
    cleared = true;
    QVERIFY(drainPostedEvents());

    QCOMPARE(runsAfterClear.load(), 0);
    QCOMPARE(failed.count(), runs.load()); // one report per failure, none lost
    QCOMPARE(failed.first().at(0).value<TimerId>(), id);
    QVERIFY(!failed.first().at(1).toString().isEmpty());
    if (standardException)
        QCOMPARE(failed.last().at(1).toString(), QStringLiteral("tick failed"));
    QVERIFY(!manager.timerStatus(id));
    QCOMPARE(manager.activeTimerCount(), 0);
}

// A callback that clears itself on its first run: it never runs again, whichever way it clears.
void tst_TimerFaults::callbackClearsItself_data()
{
    QTest::addColumn<int>("how");
    QTest::newRow("stopTimer") << 0;
    QTest::newRow("clearInterval") << 1;
    QTest::newRow("cleanupAllTimers") << 2;
}

void tst_TimerFaults::callbackClearsItself()
{
    QFETCH(int, how);
    TimerManager manager;
    QObject context;
    std::atomic<int> runs{0};
    auto idCell = std::make_shared<std::atomic<TimerId>>(InvalidTimerId);
    const TimerId id = manager.setInterval(&context, 1ms, [&, idCell, how] {
        ++runs;
        bool stopped = false;
        switch (how) {
        case 0: stopped = manager.stopTimer(*idCell); break;
        case 1: stopped = manager.clearInterval(*idCell); break;
        default: stopped = manager.cleanupAllTimers() == 1; break; // itself: still listed
        }
        QVERIFY(stopped);
    });
    *idCell = id;
    // A later timeout that comes due after several more ticks would have been due; on a
    // manager of its own, so that cleanupAllTimers() leaves it alone.
    TimerManager probe;
    bool later = false;
    probe.setTimeout(&context, 30ms, [&later] { later = true; });
    QTRY_VERIFY_WITH_TIMEOUT(later, 20000);
    QVERIFY(drainPostedEvents());
    QCOMPARE(runs.load(), 1);
    QVERIFY(!manager.timerStatus(id));
    QCOMPARE(manager.activeTimerCount(), 0);
}

// A callback that clears all, while 200 other timers are due at the same moment (some of them
// already queued to this thread): none of them runs, and the count says how many were stopped.
void tst_TimerFaults::callbackClearsAll()
{
    TimerManager manager;
    QObject context;
    constexpr int others = 200;
    std::atomic<int> othersRan{0};
    int stoppedByCleanup = -1;
    std::atomic<int> destroyed{0};
    manager.setTimeout(&context, 0ms, [&] { stoppedByCleanup = manager.cleanupAllTimers(); });
    for (int i = 0; i < others; ++i) {
        auto witness = std::make_shared<Witness>(&destroyed);
        manager.setTimeout(&context, 0ms, [&othersRan, witness] { ++othersRan; });
    }
    // A few intervals on another context thread are stopped too.
    for (int i = 0; i < 10; ++i)
        manager.setInterval(m_other.context(), 1ms, [] { });
    QVERIFY(waitUntilEarlierFiresAreQueued(manager, m_other.context()));

    QTRY_VERIFY_WITH_TIMEOUT(stoppedByCleanup >= 0, 20000);
    QVERIFY(drainPostedEvents());
    QCOMPARE(othersRan.load(), 0);
    // The others, the intervals and the clearing timeout itself (listed while its callback
    // runs); the marker timeout may still be listed too, if its removal has not happened yet.
    QVERIFY2(stoppedByCleanup == others + 11 || stoppedByCleanup == others + 12,
             qPrintable(QString::number(stoppedByCleanup)));
    QCOMPARE(manager.activeTimerCount(), 0);
    // Every dropped callback is destroyed: nothing leaks in the mailbox.
    QTRY_COMPARE_WITH_TIMEOUT(destroyed.load(), others, 20000);
}

// A callback that creates 1000 nested timers: a chain 1000 deep (each callback creates the
// next), or one callback that creates 1000 at once, each of which creates one more.
void tst_TimerFaults::nestedTimers_data()
{
    QTest::addColumn<bool>("chain");
    QTest::newRow("chain of 1000") << true;
    QTest::newRow("fan-out of 1000") << false;
}

void tst_TimerFaults::nestedTimers()
{
    QFETCH(bool, chain);
    constexpr int count = 1000;
    TimerManager manager;
    QObject context;
    std::vector<int> runs(count + 1, 0); // by nesting level (chain) or index (fan-out)
    int leaves = 0;
    bool refused = false;

    std::function<void(int)> step = [&](int level) {
        ++runs[std::size_t(level)];
        if (level == count)
            return;
        if (manager.setTimeout(&context, 0ms, [&step, level] { step(level + 1); }) == InvalidTimerId)
            refused = true;
    };
    if (chain) {
        manager.setTimeout(&context, 0ms, [&step] { step(0); });
        QTRY_COMPARE_WITH_TIMEOUT(runs[count], 1, 30000);
        for (int level = 0; level <= count; ++level)
            QCOMPARE(runs[std::size_t(level)], 1);
    } else {
        manager.setTimeout(&context, 0ms, [&] {
            for (int i = 0; i < count; ++i) {
                const TimerId id = manager.setTimeout(&context, 1ms, [&, i] {
                    ++runs[std::size_t(i)];
                    if (manager.setTimeout(&context, 0ms, [&leaves] { ++leaves; }) == InvalidTimerId)
                        refused = true;
                });
                if (id == InvalidTimerId)
                    refused = true;
            }
        });
        QTRY_COMPARE_WITH_TIMEOUT(leaves, count, 30000);
        for (int i = 0; i < count; ++i)
            QCOMPARE(runs[std::size_t(i)], 1);
    }
    QVERIFY(!refused);
    QVERIFY(drainPostedEvents());
    QTRY_COMPARE_WITH_TIMEOUT(manager.activeTimerCount(), 0, 10000);
}

// A callback that blocks (a plain sleep, or a nested event loop), so that timers come due while
// it runs. Its own interval never re-enters and its piled-up ticks are merged and counted; with
// a nested loop, other timers on this thread run meanwhile; timers on another thread always do.
void tst_TimerFaults::callbackBlocks_data()
{
    QTest::addColumn<bool>("nestedLoop");
    QTest::newRow("blocking sleep") << false;
    QTest::newRow("nested event loop") << true;
}

void tst_TimerFaults::callbackBlocks()
{
    QFETCH(bool, nestedLoop);
    TimerManager manager;
    QObject context;
    int depth = 0;
    int maxDepth = 0;
    int slowRuns = 0;
    std::atomic<int> otherThreadTicks{0};
    int sameThreadTicks = 0;
    int sameThreadTicksDuringSlow = 0;
    int otherThreadTicksDuringSlow = 0;

    const TimerId slow = manager.setInterval(&context, 2ms, [&] {
        maxDepth = std::max(maxDepth, ++depth);
        const int otherBefore = otherThreadTicks;
        const int sameBefore = sameThreadTicks;
        if (nestedLoop) {
            QEventLoop loop;
            QTimer::singleShot(60ms, &loop, &QEventLoop::quit);
            loop.exec();
        } else {
            std::this_thread::sleep_for(60ms); // the fault under test, not synchronisation
        }
        otherThreadTicksDuringSlow += otherThreadTicks - otherBefore;
        sameThreadTicksDuringSlow += sameThreadTicks - sameBefore;
        --depth;
        ++slowRuns;
    });
    manager.setInterval(&context, 1ms, [&sameThreadTicks] { ++sameThreadTicks; });
    manager.setInterval(m_other.context(), 1ms, [&otherThreadTicks] { ++otherThreadTicks; });

    // At least three slow runs, and as many more as a loaded machine needs for the other
    // thread (and, in a nested loop, this one) to get a tick in during one: if a blocked
    // callback held them up, they never would, and the checks below fail after 30 s.
    QTRY_VERIFY_WITH_TIMEOUT(slowRuns >= 3 && otherThreadTicksDuringSlow > 0
                                     && (!nestedLoop || sameThreadTicksDuringSlow > 0),
                             30000);
    QCOMPARE(manager.cleanupAllTimers(), 3);
    QVERIFY(drainPostedEvents());

    QCOMPARE(maxDepth, 1); // never re-entrant
    QVERIFY(otherThreadTicksDuringSlow > 0);
    if (nestedLoop)
        QVERIFY(sameThreadTicksDuringSlow > 0);
    else
        QCOMPARE(sameThreadTicksDuringSlow, 0);
    QVERIFY(!manager.timerStatus(slow));
}

// The context object deleted while its fires are queued to its thread: none of them runs, its
// timers leave the registry, and every callback is destroyed.
void tst_TimerFaults::contextDeletedWhileFiresAreQueued()
{
    TimerManager manager;
    auto context = std::make_unique<QObject>();
    constexpr int count = 300;
    std::atomic<int> ran{0};
    std::atomic<int> destroyed{0};
    for (int i = 0; i < count; ++i) {
        auto witness = std::make_shared<Witness>(&destroyed);
        if (i % 2)
            manager.setTimeout(context.get(), 0ms, [&ran, witness] { ++ran; });
        else
            manager.setInterval(context.get(), 1ms, [&ran, witness] { ++ran; });
    }
    QVERIFY(waitUntilEarlierFiresAreQueued(manager, m_other.context()));
    context.reset();
    QVERIFY(drainPostedEvents());

    QCOMPARE(ran.load(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(manager.activeTimerCount(), 0, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(destroyed.load(), count, 20000);
}

// The manager destroyed from inside one of its callbacks, with more fires queued behind it on
// this thread and timers live on another thread: none of the fires behind it runs here, nothing
// starts on the other thread once it has run an event posted after the destructor returned (a
// callback already past its check there may still start just after the return: the destructor
// does not wait for other threads' callbacks), and every callback goes.
void tst_TimerFaults::managerDestroyedInsideCallback()
{
    auto manager = std::make_unique<TimerManager>();
    QObject context;
    QObject *other = m_other.context();
    int ranHere = 0;                    // this thread only
    std::atomic<int> startedThere{0};   // callbacks on the other thread that started ...
    std::atomic<bool> fenced{false};    // ... after it ran the fence posted after the destructor
    std::atomic<int> witnessesGone{0};
    bool destroyedInside = false;
    // Created first with the same delay as those below: it runs first, in the same batch.
    manager->setTimeout(&context, 0ms, [&] {
        manager.reset();
        destroyedInside = true;
    });
    for (int i = 0; i < 100; ++i) {
        auto witness = std::make_shared<Witness>(&witnessesGone);
        manager->setTimeout(&context, 0ms, [&ranHere, witness] { ++ranHere; });
        manager->setInterval(other, 1ms, [&startedThere, &fenced, witness] {
            if (fenced)
                ++startedThere;
        });
    }
    QTRY_VERIFY_WITH_TIMEOUT(destroyedInside, 20000);
    QVERIFY(drainPostedEvents());
    QCOMPARE(ranHere, 0); // every one of them was behind the destroying callback
    postTo(other, [&fenced] { fenced = true; });
    QVERIFY(waitUntilOtherThreadIdle(other));
    QVERIFY(waitUntilOtherThreadIdle(other)); // time for a stray wake-up to have run
    QCOMPARE(startedThere.load(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(witnessesGone.load(), 100, 20000);
}

// The manager destroyed from another thread right after four threads stop hammering it with
// random operations, while fires for this thread are queued: no callback starts after the
// destructor has returned, and every callback is destroyed.
void tst_TimerFaults::managerDestroyedFromAnotherThread()
{
    auto manager = std::make_unique<TimerManager>();
    QObject context;
    std::atomic<bool> destructorReturned{false};
    std::atomic<int> startedAfterDestruction{0};
    std::atomic<int> created{0};
    std::atomic<int> destroyed{0};
    std::atomic<bool> stopHammering{false};
    TimerManager *raw = manager.get();
    QObject *other = m_other.context();

    auto hammer = [&, raw](unsigned seed) {
        std::mt19937 random(seed);
        std::vector<TimerId> ids;
        while (!stopHammering) {
            const int op = int(random() % 8);
            if (op < 4 || ids.empty()) {
                auto witness = std::make_shared<Witness>(&destroyed);
                auto callback = [&, witness] {
                    if (destructorReturned)
                        ++startedAfterDestruction;
                };
                QObject *target = (random() % 2) ? &context : other;
                const auto delay = std::chrono::milliseconds(random() % 3);
                const TimerId id = op == 0 ? raw->setInterval(target, 1ms, std::move(callback))
                                           : raw->setTimeout(target, delay, std::move(callback));
                if (id != InvalidTimerId) {
                    ++created;
                    ids.push_back(id);
                }
            } else if (op < 6) {
                raw->stopTimer(ids[random() % ids.size()]);
            } else if (op == 6) {
                raw->pauseTimer(ids[random() % ids.size()]);
            } else {
                raw->resumeTimer(ids[random() % ids.size()]);
            }
        }
    };
    std::vector<std::thread> hammers;
    for (unsigned i = 0; i < 4; ++i)
        hammers.emplace_back(hammer, i + 1);
    // Let them run until enough work is in flight, running this thread's callbacks meanwhile.
    QTRY_VERIFY_WITH_TIMEOUT(created >= 4000, 30000);

    // Fires for this thread pile up while it waits below, without running its events.
    std::thread destroyer([&] {
        stopHammering = true;
        for (std::thread &thread : hammers)
            thread.join();
        manager.reset();
        destructorReturned = true;
    });
    destroyer.join();
    QVERIFY(drainPostedEvents());
    QVERIFY(drainPostedEvents());

    QCOMPARE(startedAfterDestruction.load(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(destroyed.load(), created.load(), 20000);
}

QTEST_GUILESS_MAIN(tst_TimerFaults)
#include "tst_timerfaults.moc"
