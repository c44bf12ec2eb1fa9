// The event-loop rule (issue 13): a context's callbacks run in its thread's event loop. When
// that thread has none (a QThread not started yet, or finished), the core says so once, on
// havel.timers, instead of leaving the timers silently dead; and a thread that gets a loop
// later runs the callbacks that waited for it.
#include "contextthread.h"

#include <timermanager.h>

#include <QtCore/QThread>
#include <QtTest/QTest>

#include <atomic>
#include <mutex>

using namespace std::chrono_literals;

namespace {

// The warnings of havel.timers, from any thread. guarded by warningLock
std::mutex warningLock;
QStringList warnings;
QtMessageHandler previousHandler = nullptr;

void collectWarnings(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type == QtWarningMsg && qstrcmp(context.category, "havel.timers") == 0) {
        std::lock_guard lock(warningLock);
        warnings.append(message);
    }
    previousHandler(type, context, message);
}

QStringList takeWarnings()
{
    std::lock_guard lock(warningLock);
    return std::exchange(warnings, {});
}

int warningCount()
{
    std::lock_guard lock(warningLock);
    return int(warnings.size());
}

} // namespace

//! Thread: the test's main thread, which runs an event loop (QCoreApplication).
class tst_TimerEventLoop : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { previousHandler = qInstallMessageHandler(collectWarnings); }
    void cleanupTestCase() { qInstallMessageHandler(previousHandler); }
    void init() { takeWarnings(); }

    void warnsOnceWithoutEventLoop_data();
    void warnsOnceWithoutEventLoop();
    void callbacksWaitForTheLoop();
    void noWarningWithEventLoop();
};

void tst_TimerEventLoop::warnsOnceWithoutEventLoop_data()
{
    QTest::addColumn<bool>("finished");
    QTest::newRow("QThread not started") << false;
    QTest::newRow("QThread finished") << true;
}

void tst_TimerEventLoop::warnsOnceWithoutEventLoop()
{
    QFETCH(bool, finished);
    QThread thread;
    if (finished) {
        thread.start();
        thread.quit();
        QVERIFY(thread.wait(10'000));
    }
    QObject context;
    context.moveToThread(&thread);

    havel::TimerManager manager;
    std::atomic<int> ran = 0;
    const havel::TimerId interval = manager.setInterval(&context, 1ms, [&ran] { ++ran; });
    manager.setTimeout(&context, 0ms, [&ran] { ++ran; });
    QTRY_COMPARE(warningCount(), 1);
    // Many more fires of both timers come due (1 ms apart); the warning stays single.
    const auto due = std::chrono::steady_clock::now() + 100ms;
    QTRY_VERIFY(std::chrono::steady_clock::now() > due);
    const QStringList seen = takeWarnings();
    QCOMPARE(seen.size(), 1);
    QVERIFY2(seen.front().contains(QLatin1String("has no event loop, so its callbacks cannot run")),
             qPrintable(seen.front()));
    QVERIFY2(seen.front().contains(QLatin1String("TimerManager: timer ")), qPrintable(seen.front()));
    QCOMPARE(ran.load(), 0);
    QVERIFY(manager.stopTimer(interval));
}

void tst_TimerEventLoop::callbacksWaitForTheLoop()
{
    QThread thread;
    QObject context; // destroyed here once its thread has finished (joined: TSan sees it)
    context.moveToThread(&thread);
    havel::TimerManager manager;
    std::atomic<bool> ran = false;
    manager.setTimeout(&context, 0ms, [&ran] { ran = true; });
    QTRY_COMPARE(warningCount(), 1);
    QVERIFY(!ran);
    // The thread gets its loop: the fire that waited runs there.
    thread.start();
    QTRY_VERIFY(ran);
    thread.quit();
    QVERIFY(thread.wait(10'000));
}

void tst_TimerEventLoop::noWarningWithEventLoop()
{
    havel::TimerManager manager;
    ContextThread worker;
    QObject mainContext;
    std::atomic<int> ran = 0;
    manager.setTimeout(&mainContext, 0ms, [&ran] { ++ran; });
    manager.setTimeout(worker.context(), 0ms, [&ran] { ++ran; });
    QTRY_COMPARE(ran.load(), 2);
    QCOMPARE(takeWarnings(), QStringList());
}

QTEST_GUILESS_MAIN(tst_TimerEventLoop)
#include "tst_timereventloop.moc"
