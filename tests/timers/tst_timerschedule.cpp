// TimerSchedule: deadline order, creation order on ties, and the armed set staying exactly
// the earliest maxArmed entries under any sequence of operations.
#include "timerschedule_p.h"

#include <QtTest/QtTest>

#include <algorithm>
#include <map>
#include <random>

using havel::TimerId;
using havel::TimerSchedule;

class tst_TimerSchedule : public QObject
{
    Q_OBJECT

private slots:
    void popsInDeadlineThenIdOrder();
    void popDueStopsAtTheFirstFutureEntry();
    void armsOnlyTheEarliestEntries_data();
    void armsOnlyTheEarliestEntries();
    void removeAndReinsertReportChanges();
    void clearDisarmsEverything();
};

void tst_TimerSchedule::popsInDeadlineThenIdOrder()
{
    TimerSchedule schedule(4);
    schedule.insert(5, 100, 0);
    schedule.insert(2, 100, 0);
    schedule.insert(9, 50, 0);
    schedule.insert(1, 200, 0);
    schedule.insert(3, 100, 0);

    QList<TimerId> order;
    TimerId id;
    TimerSchedule::Entry entry;
    while (schedule.popDue(1000, &id, &entry))
        order.append(id);
    QCOMPARE(order, (QList<TimerId>{9, 2, 3, 5, 1}));
    QCOMPARE(schedule.size(), std::size_t(0));
}

void tst_TimerSchedule::popDueStopsAtTheFirstFutureEntry()
{
    TimerSchedule schedule(2);
    schedule.insert(1, 10, 0);
    schedule.insert(2, 20, 7);
    TimerId id;
    TimerSchedule::Entry entry;
    QVERIFY(schedule.popDue(15, &id, &entry));
    QCOMPARE(id, TimerId(1));
    QVERIFY(!schedule.popDue(15, &id, &entry));
    QVERIFY(schedule.popDue(20, &id, &entry));
    QCOMPARE(entry.periodNs, qint64(7));
}

void tst_TimerSchedule::armsOnlyTheEarliestEntries_data()
{
    QTest::addColumn<int>("maxArmed");
    QTest::addColumn<int>("operations");
    QTest::newRow("one alarm") << 1 << 3000;
    QTest::newRow("few alarms") << 4 << 3000;
    QTest::newRow("default alarms") << 64 << 20000;
}

void tst_TimerSchedule::armsOnlyTheEarliestEntries()
{
    QFETCH(int, maxArmed);
    QFETCH(int, operations);

    // A reference model: the same entries in a std::map keyed by (due, id).
    TimerSchedule schedule(maxArmed);
    std::map<std::pair<qint64, TimerId>, bool> model;
    std::map<TimerId, qint64> dueOf;
    std::mt19937 random(1234);
    TimerId nextId = 1;
    qint64 now = 0;

    for (int step = 0; step < operations; ++step) {
        const int op = int(random() % 10);
        if (op < 5 || dueOf.empty()) {
            const TimerId id = nextId++;
            const qint64 due = now + qint64(random() % 50); // many ties on purpose
            schedule.insert(id, due, 0);
            model[{due, id}] = true;
            dueOf[id] = due;
        } else if (op < 8) {
            auto it = dueOf.begin();
            std::advance(it, random() % dueOf.size());
            QVERIFY(schedule.remove(it->first));
            model.erase({it->second, it->first});
            dueOf.erase(it);
        } else if (op < 9) {
            // Reschedule an existing entry, as an interval tick does.
            auto it = dueOf.begin();
            std::advance(it, random() % dueOf.size());
            model.erase({it->second, it->first});
            it->second = now + qint64(random() % 50);
            schedule.insert(it->first, it->second, 1);
            model[{it->second, it->first}] = true;
        } else {
            now += 5;
            TimerId id;
            TimerSchedule::Entry entry;
            while (schedule.popDue(now, &id, &entry)) {
                QCOMPARE(model.begin()->first.second, id);
                model.erase(model.begin());
                dueOf.erase(id);
            }
        }

        // The armed entries are exactly the first maxArmed of the model, in order.
        QCOMPARE(schedule.size(), model.size());
        int position = 0;
        for (const auto &[key, unused] : model) {
            const TimerSchedule::Entry *entry = schedule.find(key.second);
            QVERIFY(entry);
            QCOMPARE(entry->dueNs, key.first);
            QCOMPARE(entry->armed, position < maxArmed);
            ++position;
        }
        QCOMPARE(schedule.armedCount(), std::min<int>(maxArmed, int(model.size())));
        schedule.takeChanges();
    }
}

void tst_TimerSchedule::removeAndReinsertReportChanges()
{
    TimerSchedule schedule(2);
    schedule.insert(1, 10, 0);
    schedule.insert(2, 20, 0);
    schedule.insert(3, 30, 0); // not armed: no change reported for it
    std::vector<TimerId> changes = schedule.takeChanges();
    std::sort(changes.begin(), changes.end());
    QCOMPARE(changes, (std::vector<TimerId>{1, 2}));

    // Removing an armed entry promotes the first unarmed one.
    QVERIFY(schedule.remove(1));
    changes = schedule.takeChanges();
    std::sort(changes.begin(), changes.end());
    QCOMPARE(changes, (std::vector<TimerId>{1, 3}));
    QVERIFY(schedule.find(3)->armed);

    // An earlier entry pushes the last armed one out.
    schedule.insert(4, 5, 0);
    changes = schedule.takeChanges();
    std::sort(changes.begin(), changes.end());
    QCOMPARE(changes, (std::vector<TimerId>{3, 4}));
    QVERIFY(!schedule.find(3)->armed);
    QVERIFY(!schedule.remove(99));
}

void tst_TimerSchedule::clearDisarmsEverything()
{
    TimerSchedule schedule(2);
    for (TimerId id = 1; id <= 5; ++id)
        schedule.insert(id, qint64(id), 0);
    schedule.takeChanges();
    schedule.clear();
    std::vector<TimerId> changes = schedule.takeChanges();
    std::sort(changes.begin(), changes.end());
    QCOMPARE(changes, (std::vector<TimerId>{1, 2}));
    QCOMPARE(schedule.size(), std::size_t(0));
    QCOMPARE(schedule.armedCount(), 0);
    schedule.insert(7, 1, 0);
    QVERIFY(schedule.find(7)->armed);
}

QTEST_APPLESS_MAIN(tst_TimerSchedule)
#include "tst_timerschedule.moc"
