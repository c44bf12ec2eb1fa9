// How to test code that uses the Havel timers with QtTest:
//  * the object under test lives on the test's thread, whose event loop QSignalSpy::wait()
//    and QTRY_* run, so the timer callbacks run there too;
//  * wait on signals and states, never on fixed sleeps;
//  * give every timing check a tolerance: a timer never fires early, but on a busy machine
//    it may fire late.
#include "debouncer.h"

#include <QtCore/QElapsedTimer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace std::chrono_literals;

class tst_Debouncer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void settlesOncePerBurst_data();
    void settlesOncePerBurst();
    void neverSettlesEarly();
    void destroyedBeforeItSettles();

private:
    havel::TimerManager m_timers; // one timer thread for the whole test
};

void tst_Debouncer::settlesOncePerBurst_data()
{
    QTest::addColumn<int>("triggers");
    QTest::newRow("one") << 1;
    QTest::newRow("burst of ten") << 10;
}

void tst_Debouncer::settlesOncePerBurst()
{
    QFETCH(int, triggers);
    Debouncer debouncer(&m_timers, 50ms);
    QSignalSpy settled(&debouncer, &Debouncer::settled);
    for (int i = 0; i < triggers; ++i)
        debouncer.trigger();
    QVERIFY(settled.wait(5000));
    QCOMPARE(settled.count(), 1);
    QCOMPARE(settled.front().front().toInt(), triggers);
    // No second signal for the same burst (generous: 4 quiet periods).
    QVERIFY(!settled.wait(200));
}

void tst_Debouncer::neverSettlesEarly()
{
    Debouncer debouncer(&m_timers, 100ms);
    QSignalSpy settled(&debouncer, &Debouncer::settled);
    QElapsedTimer clock;
    clock.start();
    debouncer.trigger();
    QVERIFY(settled.wait(5000));
    // Never early; late is allowed (no upper bound tighter than the wait above).
    QVERIFY2(clock.elapsed() >= 100, qPrintable(QString::number(clock.elapsed())));
}

void tst_Debouncer::destroyedBeforeItSettles()
{
    int settledCount = 0;
    {
        Debouncer debouncer(&m_timers, 20ms);
        connect(&debouncer, &Debouncer::settled, this, [&settledCount] { ++settledCount; });
        debouncer.trigger();
    }
    // The timer died with its context: nothing runs, nothing crashes, nothing is left.
    QTRY_COMPARE(m_timers.activeTimerCount(), 0);
    QTest::qWait(100); // a negative check: give a wrongly surviving callback time to run
    QCOMPARE(settledCount, 0);
}

QTEST_GUILESS_MAIN(tst_Debouncer)
#include "tst_debouncer.moc"
