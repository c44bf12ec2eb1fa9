#include <scripthost.h>
#include <timermanager.h>

#include <QtCore/QElapsedTimer>

#include <atomic>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using havel::script::ScriptHost;
using havel::script::ScriptProbe;

//! Thread: the test's main thread owns the hosts; each script runs on its host's thread.
class tst_ScriptHost : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void exitCodes_data();
    void exitCodes();
    void bodyFinishedComesFirst();
    void timersVisibleFromHostThread();
    void timersStoppedElsewhere_data();
    void timersStoppedElsewhere();
    void requestStopEndsBusyScript();
    void destructorStopsRunningScript();
    void probeShowsBusyLineAndIdle();
};

void tst_ScriptHost::exitCodes_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<bool>("exitWhenDone");
    QTest::addColumn<int>("exitCode");

    QTest::newRow("ok") << "x = 1" << false << 0;
    QTest::newRow("syntax") << "x = (" << false << 65;
    QTest::newRow("runtime") << "x = y" << false << 70;
    QTest::newRow("exit") << "setTimeout(() => exit(5), 1)" << false << 5;
    QTest::newRow("exit when done") << "setInterval(() => null, 1)" << true << 0;
}

void tst_ScriptHost::exitCodes()
{
    QFETCH(QString, source);
    QFETCH(bool, exitWhenDone);
    QFETCH(int, exitCode);
    ScriptHost host;
    QSignalSpy finished(&host, &ScriptHost::finished);
    // Diagnostics go to stderr; the exit code is what this test is about.
    host.start(source, QStringLiteral("test.hv"), exitWhenDone);
    QVERIFY(finished.wait(20'000));
    QCOMPARE(finished.first().first().toInt(), exitCode);
}

void tst_ScriptHost::bodyFinishedComesFirst()
{
    ScriptHost host;
    QSignalSpy body(&host, &ScriptHost::bodyFinished);
    QSignalSpy finished(&host, &ScriptHost::finished);
    host.start(QStringLiteral("setTimeout(() => null, 30)"), QStringLiteral("test.hv"), false);
    QVERIFY(body.wait(20'000));
    QCOMPARE(finished.size(), 0);
    QVERIFY(finished.wait(20'000));
    QCOMPARE(body.size(), 1);
}

void tst_ScriptHost::timersVisibleFromHostThread()
{
    // What the inspector does: read the script's timers from the GUI thread while it runs.
    ScriptHost host;
    QSignalSpy body(&host, &ScriptHost::bodyFinished);
    host.start(QStringLiteral("a = interval 1000 { }\nb = setTimeout(() => null, 2000)"),
               QStringLiteral("watched.hv"), false);
    QVERIFY(body.wait(20'000));
    const QList<havel::TimerId> ids = host.timerManager()->activeTimers();
    QCOMPARE(ids, (QList<havel::TimerId>{1, 2}));
    QCOMPARE(host.timerManager()->timerStatus(1)->label, QStringLiteral("watched.hv:1"));
    QCOMPARE(host.timerManager()->timerStatus(2)->kind, havel::TimerKind::Timeout);
    QSignalSpy finished(&host, &ScriptHost::finished);
    host.requestStop(130);
    QVERIFY(finished.wait(20'000));
    QCOMPARE(finished.first().first().toInt(), 130);
    QCOMPARE(host.timerManager()->activeTimerCount(), 0);
}

void tst_ScriptHost::timersStoppedElsewhere_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("how");
    QTest::addColumn<int>("timers"); // how many the body makes
    // Without being told, the interpreter would wait for a minute in both rows.
    QTest::newRow("wait() on a handle stopped by the inspector")
            << "h = timeout 60000 { }\nh.wait()\nprint \"waited\"" << "stop" << 1;
    QTest::newRow("the last timer stopped by the inspector")
            << "interval 60000 { }" << "stop" << 1;
    QTest::newRow("Stop all in the inspector") << "interval 60000 { }\ntimeout 60000 { }"
                                               << "stop all" << 2;
}

void tst_ScriptHost::timersStoppedElsewhere()
{
    QFETCH(QString, source);
    QFETCH(QString, how);
    QFETCH(int, timers);
    ScriptHost host;
    QSignalSpy finished(&host, &ScriptHost::finished);
    host.start(source, QStringLiteral("stopped.hv"), false);
    // The wait() row never finishes its body; the others' timers all exist once the manager
    // lists them all. Waiting for the first only let "stop all" run before the body had made
    // the second, which then kept the run alive (seen on a loaded machine).
    QTRY_COMPARE_WITH_TIMEOUT(host.timerManager()->activeTimerCount(), qsizetype(timers), 20'000);
    if (how == QLatin1String("stop all"))
        QVERIFY(host.timerManager()->cleanupAllTimers() > 0);
    else
        QVERIFY(host.timerManager()->stopTimer(host.timerManager()->activeTimers().first()));
    host.timersChangedElsewhere();
    QVERIFY(finished.wait(20'000));
    QCOMPARE(finished.first().first().toInt(), 0);
}

void tst_ScriptHost::requestStopEndsBusyScript()
{
    ScriptHost host;
    QSignalSpy body(&host, &ScriptHost::bodyFinished);
    QSignalSpy finished(&host, &ScriptHost::finished);
    // The callback says it has started, then spins for ever on its fiber. Its line of output is
    // the state to wait on: once a timeout's callback is running on a fiber, the core no longer
    // lists the timeout, so the registry cannot tell a spinning callback from a finished one.
    std::atomic<bool> spinning{false};
    host.setOutput([&spinning](const QString &text) {
                       if (text.contains(QLatin1String("spinning")))
                           spinning.store(true);
                   },
                   [](const QString &) { });
    host.start(QStringLiteral("setTimeout(fn() { print \"spinning\"; loop { } }, 1)"),
               QStringLiteral("busy.hv"), false);
    QVERIFY(body.wait(20'000));
    // The request lands between the callback's instructions. The host thread stays responsive
    // meanwhile: this test runs on it.
    QTRY_VERIFY_WITH_TIMEOUT(spinning.load(), 20'000);
    host.requestStop(143);
    QVERIFY(finished.wait(20'000));
    QCOMPARE(finished.first().first().toInt(), 143);
}

void tst_ScriptHost::destructorStopsRunningScript()
{
    // Closing the inspector window destroys the host mid-run: it must stop and join.
    auto host = std::make_unique<ScriptHost>();
    host->start(QStringLiteral("interval 1 { x = [1, {a: 2}] }\nsleep(100000)"), QStringLiteral("t.hv"), false);
    // Mid-run for sure: the body sleeps, and the interval has ticked inside that sleep.
    havel::TimerManager *manager = host->timerManager();
    QTRY_VERIFY_WITH_TIMEOUT(
            [manager] {
                const QList<havel::TimerId> ids = manager->activeTimers();
                const auto status = ids.isEmpty() ? std::nullopt : manager->timerStatus(ids.first());
                return status && status->fireCount >= 3;
            }(),
            20'000);
    QElapsedTimer clock;
    clock.start();
    host.reset(); // returns only once the interpreter thread is joined
    // The 100 s sleep was cut short, not waited out; a generous bound for a loaded machine.
    QVERIFY2(clock.elapsed() < 15'000, qPrintable(QString::number(clock.elapsed())));
}

void tst_ScriptHost::probeShowsBusyLineAndIdle()
{
    // ScriptProbe, what the inspector reads from any thread: 0 while the interpreter thread
    // waits in its event loop; the time it left it and the line it is on while script code runs.
    ScriptHost host;
    std::atomic<bool> spinning{false};
    host.setOutput([&spinning](const QString &text) {
                       if (text.contains(QLatin1String("spinning")))
                           spinning.store(true);
                   },
                   [](const QString &) { });
    QSignalSpy body(&host, &ScriptHost::bodyFinished);
    QSignalSpy finished(&host, &ScriptHost::finished);
    host.start(QStringLiteral("go = false\n"
                              "interval 20 {\n"
                              "  if (go) {\n"
                              "    print \"spinning\"\n"
                              "    loop {\n"
                              "      x = 1\n"
                              "    }\n"
                              "  }\n"
                              "}\n"
                              "timeout 300 { go = true }\n"),
               QStringLiteral("probe.hv"), false);
    QVERIFY(body.wait(20'000));
    const ScriptProbe &probe = host.probe();
    // Between ticks the thread is back in its event loop: idle, not busy.
    QTRY_COMPARE_WITH_TIMEOUT(probe.busySinceNs.load(std::memory_order_relaxed), qint64(0), 20'000);
    QTRY_VERIFY_WITH_TIMEOUT(spinning.load(), 20'000);
    // Now stuck in the loop: busy since a moment in the past, at one of the loop's lines.
    QTRY_VERIFY_WITH_TIMEOUT(probe.busySinceNs.load(std::memory_order_relaxed) > 0, 20'000);
    QTRY_VERIFY_WITH_TIMEOUT(probe.line.load(std::memory_order_relaxed) >= 5
                                     && probe.line.load(std::memory_order_relaxed) <= 7,
                             20'000);
    const qint64 since = probe.busySinceNs.load(std::memory_order_relaxed);
    QTest::qWait(50); // many 2 ms slices: preemption is not a return to idle, the start stays
    QCOMPARE(probe.busySinceNs.load(std::memory_order_relaxed), since);
    host.requestStop(143);
    QVERIFY(finished.wait(20'000));
    QCOMPARE(probe.busySinceNs.load(std::memory_order_relaxed), qint64(0));
}

QTEST_GUILESS_MAIN(tst_ScriptHost)
#include "tst_scripthost.moc"
