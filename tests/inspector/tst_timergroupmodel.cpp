// TimerGroupModel: timers made on one line fold into a group with a count and summed rates;
// groups expand and collapse, sort by their summed figures, and an idle list emits nothing.
#include "timerfiltermodel.h"
#include "timergroupmodel.h"
#include "timerlistmodel.h"
#include "timermanager.h"

#include "pollbudget.h"

#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QtTest>

#include <memory>

using namespace std::chrono_literals;
using havel::TimerFilterModel;
using havel::TimerGroupModel;
using havel::TimerId;
using havel::TimerListModel;
using havel::TimerManager;
using havel::TimerOptions;
using Roles = TimerListModel::Roles;

//! Thread: the test's main thread, which is also the timers' context thread.
class tst_TimerGroupModel : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void foldsSharedLabels();
    void expandsAndCollapses();
    void sumsRates();
    void sortsGroupsByTheirFigures();
    void pausedGroupSortsLastByNextFire();
    void ungrouped();
    void idleEmitsNothing();
    void nineThousandOnOneLine();
    void tenThousandRowsRebuildWithinAPoll();

private:
    QStringList shownLabels() const;
    QVariant value(int row, int role) const { return m_groups->index(row).data(role); }
    TimerId start(std::chrono::milliseconds interval, const QString &label)
    {
        return m_manager->setInterval(&m_context, interval, [] {}, TimerOptions{label});
    }
    //! Polls the list model and lets the group model rebuild.
    void settle()
    {
        m_model->refresh();
        m_groups->rebuildNow();
    }

    std::unique_ptr<TimerManager> m_manager;
    std::unique_ptr<TimerListModel> m_model;
    std::unique_ptr<TimerFilterModel> m_proxy;
    std::unique_ptr<TimerGroupModel> m_groups;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    QObject m_context;
};

void tst_TimerGroupModel::init()
{
    m_manager = std::make_unique<TimerManager>();
    m_model = std::make_unique<TimerListModel>(m_manager.get());
    m_model->setPollInterval(0);
    m_proxy = std::make_unique<TimerFilterModel>();
    m_proxy->setSourceModel(m_model.get());
    m_groups = std::make_unique<TimerGroupModel>();
    m_groups->setSource(m_proxy.get());
    m_tester = std::make_unique<QAbstractItemModelTester>(
            m_groups.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void tst_TimerGroupModel::cleanup()
{
    m_tester.reset();
    m_groups.reset();
    m_proxy.reset();
    m_model.reset();
    m_manager.reset();
}

QStringList tst_TimerGroupModel::shownLabels() const
{
    QStringList labels;
    for (int row = 0; row < m_groups->rowCount(); ++row) {
        const int size = value(row, TimerGroupModel::GroupSizeRole).toInt();
        const QString prefix = value(row, TimerGroupModel::InGroupRole).toBool() ? QStringLiteral("  ") : QString();
        labels.append(prefix + value(row, Roles::LabelRole).toString()
                      + (size > 0 ? QStringLiteral(" ×%1").arg(size) : QString()));
    }
    return labels;
}

void tst_TimerGroupModel::foldsSharedLabels()
{
    start(1h, QStringLiteral("one.hv:1"));
    for (int i = 0; i < 5; ++i)
        start(2h, QStringLiteral("loop.hv:3"));
    start(3h, QStringLiteral("two.hv:9"));
    QSignalSpy rebuilt(m_groups.get(), &TimerGroupModel::rowsRebuilt);
    m_model->refresh();
    // The rebuild follows the poll on the next event loop turn.
    QTRY_COMPARE(m_groups->rowCount(), 3);
    QVERIFY(rebuilt.count() >= 1);
    QCOMPARE(shownLabels(), (QStringList{"one.hv:1", "loop.hv:3 ×5", "two.hv:9"}));
    QCOMPARE(m_groups->groupCount(), 1);
    QCOMPARE(m_groups->timerCount(), 7);
    QCOMPARE(value(1, Roles::IntervalMsRole).toDouble(), 7'200'000.0);
    QCOMPARE(value(1, TimerGroupModel::GroupPausedRole).toInt(), 0);
    QCOMPARE(value(1, Roles::StateRole).toInt(), int(TimerListModel::State::Active));
    QCOMPARE(m_groups->idsAt(1).size(), 5);
    QCOMPARE(m_groups->idsAt(0).size(), 1);
    // The filter applies first: a label the filter hides takes its group along.
    m_proxy->setFilterText(QStringLiteral("loop"));
    QTRY_COMPARE(shownLabels(), (QStringList{"loop.hv:3 ×5"}));
}

void tst_TimerGroupModel::expandsAndCollapses()
{
    start(1h, QStringLiteral("one.hv:1"));
    const TimerId a = start(2h, QStringLiteral("loop.hv:3"));
    const TimerId b = start(2h, QStringLiteral("loop.hv:3"));
    settle();
    QCOMPARE(shownLabels(), (QStringList{"one.hv:1", "loop.hv:3 ×2"}));
    m_groups->setExpanded(QStringLiteral("loop.hv:3"), true);
    QCOMPARE(shownLabels(), (QStringList{"one.hv:1", "loop.hv:3 ×2", "  loop.hv:3", "  loop.hv:3"}));
    QVERIFY(value(1, TimerGroupModel::ExpandedRole).toBool());
    QCOMPARE(value(2, Roles::IdRole).toULongLong(), a);
    QCOMPARE(value(3, Roles::IdRole).toULongLong(), b);
    // Rows of a group and of its members, each timer once.
    QCOMPARE(m_groups->idsOfRows({1, 2, 3}), (QVariantList{a, b}));
    // A member that ends leaves a lone timer, shown as itself.
    QVERIFY(m_manager->stopTimer(b));
    settle();
    QCOMPARE(shownLabels(), (QStringList{"one.hv:1", "loop.hv:3"}));
    QCOMPARE(m_groups->groupCount(), 0);
    m_groups->setAllExpanded(false);
    QCOMPARE(m_groups->rowCount(), 2);
}

void tst_TimerGroupModel::sumsRates()
{
    for (int i = 0; i < 4; ++i)
        start(20ms, QStringLiteral("fast.hv:2"));
    // Let the rates build up over several polls, then compare the group with its members.
    QTRY_VERIFY_WITH_TIMEOUT((m_model->refresh(), m_model->firesPerSecond() > 40), 20'000);
    m_groups->rebuildNow();
    QCOMPARE(m_groups->rowCount(), 1);
    double rates = 0;
    double fires = 0;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        rates += m_model->numericValue(row, Roles::FiresPerSecondRole);
        fires += m_model->numericValue(row, Roles::FireCountRole);
    }
    QCOMPARE(value(0, Roles::FiresPerSecondRole).toDouble(), rates);
    QCOMPARE(value(0, Roles::FireCountRole).toDouble(), fires);
    QVERIFY(rates > 40);
}

void tst_TimerGroupModel::sortsGroupsByTheirFigures()
{
    // A group of five, a lone timer with a shorter schedule and one with a longer one.
    for (int i = 0; i < 5; ++i)
        start(5h, QStringLiteral("b-group.hv:3"));
    start(1h, QStringLiteral("a-lone.hv:1"));
    start(9h, QStringLiteral("c-lone.hv:2"));
    settle();
    m_proxy->setSort(Roles::LabelRole, true);
    m_groups->rebuildNow();
    QCOMPARE(shownLabels(), (QStringList{"c-lone.hv:2", "b-group.hv:3 ×5", "a-lone.hv:1"}));
    m_proxy->setSort(Roles::IntervalMsRole, false);
    m_groups->rebuildNow();
    QCOMPARE(shownLabels(), (QStringList{"a-lone.hv:1", "b-group.hv:3 ×5", "c-lone.hv:2"}));
    // By id, a group sits at its first (lowest) member's id.
    m_proxy->setSort(Roles::IdRole, true);
    m_groups->rebuildNow();
    QCOMPARE(shownLabels(), (QStringList{"c-lone.hv:2", "a-lone.hv:1", "b-group.hv:3 ×5"}));
}

void tst_TimerGroupModel::pausedGroupSortsLastByNextFire()
{
    QList<TimerId> members;
    for (int i = 0; i < 3; ++i)
        members.append(start(1h, QStringLiteral("paused.hv:1")));
    start(2h, QStringLiteral("later.hv:2"));
    for (TimerId id : members)
        QVERIFY(m_manager->pauseTimer(id));
    m_proxy->setSort(Roles::NextDueMsRole, false);
    settle();
    QCOMPARE(shownLabels(), (QStringList{"later.hv:2", "paused.hv:1 ×3"}));
    QCOMPARE(value(1, Roles::StateRole).toInt(), int(TimerListModel::State::Paused));
    QCOMPARE(value(1, TimerGroupModel::GroupPausedRole).toInt(), 3);
    QCOMPARE(value(1, Roles::PauseReasonsRole).toInt(), int(havel::PauseByUser));
    m_proxy->setSort(Roles::NextDueMsRole, true);
    m_groups->rebuildNow();
    QCOMPARE(shownLabels(), (QStringList{"later.hv:2", "paused.hv:1 ×3"}));
    // One member resumed: the group is active, but not every member is paused by the user.
    QVERIFY(m_manager->resumeTimer(members[0]));
    settle();
    QCOMPARE(value(1, Roles::StateRole).toInt(), int(TimerListModel::State::Active));
    QCOMPARE(value(1, Roles::PauseReasonsRole).toInt(), 0);
    m_proxy->setSort(Roles::NextDueMsRole, false);
    m_groups->rebuildNow();
    QCOMPARE(shownLabels().constFirst(), QStringLiteral("paused.hv:1 ×3"));
}

void tst_TimerGroupModel::ungrouped()
{
    start(1h, QStringLiteral("loop.hv:3"));
    start(1h, QStringLiteral("loop.hv:3"));
    settle();
    QCOMPARE(m_groups->rowCount(), 1);
    m_groups->setGrouped(false);
    QCOMPARE(shownLabels(), (QStringList{"loop.hv:3", "loop.hv:3"}));
    QCOMPARE(m_groups->groupCount(), 0);
}

void tst_TimerGroupModel::idleEmitsNothing()
{
    for (int i = 0; i < 3; ++i)
        start(5h, QStringLiteral("idle.hv:1"));
    start(6h, QStringLiteral("other.hv:2"));
    settle();
    QSignalSpy changed(m_groups.get(), &QAbstractItemModel::dataChanged);
    QSignalSpy layout(m_groups.get(), &QAbstractItemModel::layoutChanged);
    for (int i = 0; i < 3; ++i)
        settle();
    QCOMPARE(changed.count(), 0);
    QCOMPARE(layout.count(), 0);
}

void tst_TimerGroupModel::nineThousandOnOneLine()
{
    for (int i = 0; i < 9000; ++i)
        start(10h, QStringLiteral("spawn.hv:4"));
    start(10h, QStringLiteral("main.hv:1"));
    settle();
    QCOMPARE(m_groups->rowCount(), 2);
    QCOMPARE(value(0, TimerGroupModel::GroupSizeRole).toInt(), 9000);
    QCOMPARE(m_groups->timerCount(), 9001);
    m_groups->setExpanded(QStringLiteral("spawn.hv:4"), true);
    QCOMPARE(m_groups->rowCount(), 9002);
    m_groups->setExpanded(QStringLiteral("spawn.hv:4"), false);
    QCOMPARE(m_groups->rowCount(), 2);
}

void tst_TimerGroupModel::tenThousandRowsRebuildWithinAPoll()
{
    // The worst case for a rebuild: 10,000 lone timers (10,000 rows), sorted by a figure.
    for (int i = 0; i < 10'000; ++i)
        start(std::chrono::hours(1 + i % 7), QStringLiteral("line%1.hv:1").arg(i));
    m_tester.reset(); // its checks of every row would dominate the timing
    m_proxy->setSort(Roles::IntervalMsRole, true);
    m_model->refresh();
    ThreadCpuClock clock;
    clock.start();
    m_groups->rebuildNow();
    const long long firstMs = clock.elapsed();
    QCOMPARE(m_groups->rowCount(), 10'000);
    // And the same rows again: values compared, nothing emitted.
    QSignalSpy changed(m_groups.get(), &QAbstractItemModel::dataChanged);
    clock.restart();
    m_groups->rebuildNow();
    const long long againMs = clock.elapsed();
    QCOMPARE(changed.count(), 0);
    qDebug("10,000 rows: first rebuild %lld ms, unchanged rebuild %lld ms", firstMs, againMs);
    QVERIFY2(firstMs < kPollBudgetMs, qPrintable(QString::number(firstMs)));
    QVERIFY2(againMs < kPollBudgetMs, qPrintable(QString::number(againMs)));
}

QTEST_GUILESS_MAIN(tst_TimerGroupModel)
#include "tst_timergroupmodel.moc"
