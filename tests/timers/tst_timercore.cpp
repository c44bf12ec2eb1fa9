// TimerCore, white-box: the races of issue 9 that no outside timing can reach on demand,
// replayed step by step on the core the manager drives. Each step is a call the manager or
// the timer thread makes; the interleaving is the one the race needs.
#include "timercore_p.h"

#include <QtCore/QObject>
#include <QtTest/QtTest>

#include <memory>

using namespace std::chrono_literals;
using havel::FiredTimer;
using havel::InvalidTimerId;
using havel::TimerCore;
using havel::TimerId;
using havel::TimerKind;
using havel::TimerRequest;

class tst_TimerCore : public QObject
{
    Q_OBJECT

private slots:
    void staleEntryAfterPauseAndResumeIsSkipped_data();
    void staleEntryAfterPauseAndResumeIsSkipped();
    void shutdownWakesWhenNoWakeUpWasPosted();
};

void tst_TimerCore::staleEntryAfterPauseAndResumeIsSkipped_data()
{
    QTest::addColumn<TimerKind>("kind");
    QTest::newRow("timeout") << TimerKind::Timeout;
    QTest::newRow("interval") << TimerKind::Interval;
}

// The timer thread took the entry due at D from its schedule; before it dispatches it, a pause
// and a resume land, giving the timer a new deadline D' (their Disarm and Arm wait in the
// mailbox). The old entry must not fire: it would be early against D', and an interval would
// fire again at D'. Nor may it overwrite the deadline the status shows.
void tst_TimerCore::staleEntryAfterPauseAndResumeIsSkipped()
{
    QFETCH(TimerKind, kind);
    QObject context;
    // No manager: nothing is woken, the requests stay in the mailbox for the test to read.
    auto core = std::make_shared<TimerCore>(nullptr);
    const qint64 periodNs = 10'000'000;
    const qint64 dueNs = havel::steadyNowNs() + periodNs;
    const TimerId id = core->add(&context, kind, dueNs, periodNs, [] { }, {});
    QVERIFY(id != InvalidTimerId);

    QVERIFY(core->pause(id));
    QVERIFY(core->resume(id));
    const auto resumed = core->status(id);
    QVERIFY(resumed);
    QVERIFY(resumed->nextDue.time_since_epoch() != std::chrono::nanoseconds(dueNs));

    // The stale entry, dispatched after its deadline.
    std::vector<TimerRequest> reschedule;
    const std::vector<FiredTimer> due{{id, dueNs}};
    core->dispatchDue(due, dueNs + 1, &reschedule);
    QVERIFY(reschedule.empty());
    QCOMPARE(core->status(id)->nextDue, resumed->nextDue);
    QCOMPARE(core->status(id)->skippedTicks, quint64(0));

    // The current entry does fire.
    const qint64 currentNs = std::chrono::nanoseconds(resumed->nextDue.time_since_epoch()).count();
    core->dispatchDue({{id, currentNs}}, currentNs + 1, &reschedule);
    QCOMPARE(reschedule.size(), kind == TimerKind::Interval ? std::size_t(1) : std::size_t(0));
    core->shutdown();
}

// The manager's destructor detaches the manager before it shuts the core down. A request queued
// in that gap (another thread's stopTimer, a context destroyed on its thread, a callback reaching
// its error policy) marks a wake-up pending that nobody sends, since the manager is gone. The
// shutdown request must then ask for a wake-up itself, or the destructor waits for ever.
void tst_TimerCore::shutdownWakesWhenNoWakeUpWasPosted()
{
    QObject context;
    auto core = std::make_shared<TimerCore>(nullptr); // as if detached already
    const TimerId id = core->add(&context, TimerKind::Interval, havel::steadyNowNs() + 1'000'000,
                                 1'000'000, [] { }, {});
    QVERIFY(id != InvalidTimerId); // its Arm request marked a wake-up pending; none was posted
    QVERIFY(core->stop(id));
    core->shutdown();
    QVERIFY(core->requestShutdown());

    // Once the timer thread has taken the requests, a wake-up is again needed for the next.
    std::vector<TimerRequest> requests;
    core->takeRequests(&requests);
    QCOMPARE(requests.back().type, TimerRequest::Shutdown);
}

QTEST_GUILESS_MAIN(tst_TimerCore)
#include "tst_timercore.moc"
