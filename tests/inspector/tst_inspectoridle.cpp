// The inspector costs nothing when idle: over 2 s with no visible change, the window draws no
// frame at all (QQuickWindow::frameSwapped), whether it shows no timers, paused ones, or timers
// whose countdowns have nothing new to show in that time. The positive control (a fast interval
// makes frames) proves the counting can fail.
#include "inspectorwindow.h"
#include "timerlistmodel.h"
#include "timermanager.h"

#include <QtQuick/QQuickWindow>
#include <QtTest/QSignalSpy>
#include <QtTest/QtTest>

using namespace std::chrono_literals;
using havel::InspectorWindow;
using havel::TimerManager;

class tst_InspectorIdle : public QObject
{
    Q_OBJECT

private slots:
    void noFramesWhenIdle_data();
    void noFramesWhenIdle();
    void framesWhileCountingDown();

private:
    //! Shows @p inspector and waits until it has drawn and then stayed still for 500 ms.
    static bool settle(InspectorWindow &inspector, QSignalSpy *frames);
    QObject m_context;
};

bool tst_InspectorIdle::settle(InspectorWindow &inspector, QSignalSpy *frames)
{
    if (!QTest::qWaitForWindowExposed(inspector.window()))
        return false;
    if (frames->isEmpty() && !frames->wait(5000))
        return false; // never drew: the test would prove nothing
    // The first polls and layouts draw a few frames; then it must go quiet.
    for (int tries = 0; tries < 40; ++tries) {
        frames->clear();
        if (!frames->wait(500))
            return true;
    }
    return false;
}

void tst_InspectorIdle::noFramesWhenIdle_data()
{
    QTest::addColumn<int>("paused");
    QTest::addColumn<int>("longTimeouts");
    QTest::newRow("no timers") << 0 << 0;
    QTest::newRow("200 paused timers") << 200 << 0;
    // 10 h away: the countdown reads "10 h 00 min" and its bar moves a pixel every few minutes.
    QTest::newRow("50 timeouts in 10 h") << 0 << 50;
}

void tst_InspectorIdle::noFramesWhenIdle()
{
    QFETCH(int, paused);
    QFETCH(int, longTimeouts);
    TimerManager manager;
    for (int i = 0; i < paused; ++i)
        manager.pauseTimer(manager.setInterval(&m_context, 50ms, [] {}, {QStringLiteral("p.hv:%1").arg(i)}));
    // Due at the same moment, 10 h from now plus a few seconds, so no minute digit turns over
    // during the 2 s window whenever the test starts.
    const auto due = std::chrono::steady_clock::now() + 10h + 30s;
    for (int i = 0; i < longTimeouts; ++i)
        manager.setTimeoutAt(&m_context, due, [] {}, {QStringLiteral("t.hv:%1").arg(i)});
    InspectorWindow inspector(&manager);
    QVERIFY2(inspector.show(), qPrintable(inspector.errorString()));
    QSignalSpy frames(inspector.window(), &QQuickWindow::frameSwapped);
    QVERIFY2(settle(inspector, &frames), "the window never drew, or never went quiet");
    frames.clear();
    QTest::qWait(2000); // the quantity measured is "frames in 2 s": there is no signal to wait for
    QCOMPARE(frames.count(), 0);
}

void tst_InspectorIdle::framesWhileCountingDown()
{
    TimerManager manager;
    manager.setInterval(&m_context, 300ms, [] {}, {QStringLiteral("tick.hv:1")});
    InspectorWindow inspector(&manager);
    QVERIFY2(inspector.show(), qPrintable(inspector.errorString()));
    QSignalSpy frames(inspector.window(), &QQuickWindow::frameSwapped);
    QVERIFY(QTest::qWaitForWindowExposed(inspector.window()));
    frames.clear();
    QTest::qWait(1000);
    // A countdown that moves draws: several frames a second (at most one per clock tick).
    QVERIFY2(frames.count() >= 5, qPrintable(QString::number(frames.count())));
}

QTEST_MAIN(tst_InspectorIdle)
#include "tst_inspectoridle.moc"
