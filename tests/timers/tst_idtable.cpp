// IdTable: the id-addressed table behind the registry, the schedule and the callbacks. Checked
// against std::map under random operations, including ids that come back below the first
// chunk, and for what it promises about memory: every value destroyed exactly once.
#include "idtable_p.h"

#include <QtTest/QtTest>

#include <map>
#include <memory>
#include <random>

using havel::IdTable;
using havel::TimerId;

class tst_IdTable : public QObject
{
    Q_OBJECT

private slots:
    void findEmplaceErase();
    void matchesAMapUnderRandomOperations_data();
    void matchesAMapUnderRandomOperations();
    void destroysEveryValueOnce();
};

namespace {

//! Counts live instances, so that a leak or a double destruction shows.
struct Counted
{
    explicit Counted(int value, int *live) : value(value), live(live) { ++*live; }
    Counted(const Counted &) = delete;
    ~Counted() { --*live; }
    int value;
    int *live;
};

} // namespace

void tst_IdTable::findEmplaceErase()
{
    IdTable<int, 6> table; // chunks of 64
    QVERIFY(!table.find(1));
    table.emplace(1, 10);
    table.emplace(200, 20); // a later chunk; the ones between stay unallocated
    table.emplace(64, 30);
    QCOMPARE(table.size(), 3u);
    QCOMPARE(*table.find(1), 10);
    QCOMPARE(*table.find(200), 20);
    QVERIFY(!table.find(2));
    QVERIFY(!table.find(199));
    QVERIFY(!table.find(100000));
    QVERIFY(table.erase(1));
    QVERIFY(!table.erase(1));
    QVERIFY(!table.find(1));
    table.emplace(3, 40); // below the first live chunk, once that one was dropped
    QCOMPARE(*table.find(3), 40);

    QList<TimerId> order;
    table.forEach([&order](TimerId id, int) { order.append(id); });
    QCOMPARE(order, (QList<TimerId>{3, 64, 200}));
}

void tst_IdTable::matchesAMapUnderRandomOperations_data()
{
    QTest::addColumn<unsigned>("seed");
    QTest::addColumn<int>("idRange");
    QTest::newRow("dense ids") << 1u << 300;
    QTest::newRow("sparse ids") << 2u << 5000;
    QTest::newRow("another seed") << 3u << 1000;
}

void tst_IdTable::matchesAMapUnderRandomOperations()
{
    QFETCH(unsigned, seed);
    QFETCH(int, idRange);
    std::mt19937 random(seed);
    IdTable<int, 6> table;
    std::map<TimerId, int> model;
    for (int step = 0; step < 20000; ++step) {
        const TimerId id = 1 + random() % unsigned(idRange);
        if (random() % 3 == 0) {
            QCOMPARE(table.erase(id), model.erase(id) == 1);
        } else if (!model.count(id)) {
            table.emplace(id, step);
            model[id] = step;
        }
        const int *found = table.find(id);
        QCOMPARE(found != nullptr, model.count(id) == 1);
        if (found)
            QCOMPARE(*found, model[id]);
        QCOMPARE(table.size(), model.size());
    }
    std::vector<std::pair<TimerId, int>> walked;
    table.forEach([&walked](TimerId id, int value) { walked.emplace_back(id, value); });
    QCOMPARE(walked, (std::vector<std::pair<TimerId, int>>(model.begin(), model.end())));
}

void tst_IdTable::destroysEveryValueOnce()
{
    int live = 0;
    {
        IdTable<Counted, 6> table;
        for (TimerId id = 1; id <= 1000; ++id)
            table.emplace(id, int(id), &live);
        QCOMPARE(live, 1000);
        for (TimerId id = 1; id <= 1000; id += 2)
            table.erase(id);
        QCOMPARE(live, 500);
        IdTable<Counted, 6> other;
        other.swap(table);
        QCOMPARE(other.size(), 500u);
        QCOMPARE(table.size(), 0u);
        other.clear();
        QCOMPARE(live, 0);
        for (TimerId id = 5; id <= 300; ++id)
            table.emplace(id, int(id), &live);
    } // the destructor takes what is left
    QCOMPARE(live, 0);
}

QTEST_APPLESS_MAIN(tst_IdTable)
#include "tst_idtable.moc"
