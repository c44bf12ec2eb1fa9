// TimerFilterModel: the filter field and the sortable columns, over a live TimerListModel.
#include "timerfiltermodel.h"
#include "timerlistmodel.h"
#include "timermanager.h"

#include "pollbudget.h"

#include <QtCore/QElapsedTimer>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QtTest>

#include <memory>

using namespace std::chrono_literals;
using havel::TimerFilterModel;
using havel::TimerId;
using havel::TimerListModel;
using havel::TimerManager;
using havel::TimerOptions;
using Roles = TimerListModel::Roles;

class tst_TimerFilterModel : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void filters_data();
    void filters();
    void sorts_data();
    void sorts();
    void sortByTogglesOrder();
    void followsTheSource();
    void refiltersWhenValuesChange();
    void resortsWhenValuesChange();
    void tenThousandTimersSortedByFires();

private:
    //! The labels of the proxy's rows, top to bottom.
    QStringList shownLabels() const;

    std::unique_ptr<TimerManager> m_manager;
    std::unique_ptr<TimerListModel> m_model;
    std::unique_ptr<TimerFilterModel> m_proxy;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    QObject m_context;
    QList<TimerId> m_ids;
};

void tst_TimerFilterModel::init()
{
    m_manager = std::make_unique<TimerManager>();
    m_model = std::make_unique<TimerListModel>(m_manager.get());
    m_model->setPollInterval(0);
    m_proxy = std::make_unique<TimerFilterModel>();
    m_proxy->setSourceModel(m_model.get());
    m_tester = std::make_unique<QAbstractItemModelTester>(
            m_proxy.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);

    // Four timers with distinct values in every sortable column.
    m_ids = {
        m_manager->setInterval(&m_context, 3h, [] {}, TimerOptions{QStringLiteral("net/poll.hv:7")}),
        m_manager->setTimeout(&m_context, 1h, [] {}, TimerOptions{QStringLiteral("Autosave.hv:2")}),
        m_manager->setInterval(&m_context, 2h, [] {}, TimerOptions{QStringLiteral("ui/blink.hv:9")}),
        m_manager->setTimeout(&m_context, 4h, [] {}, TimerOptions{QStringLiteral("net/retry.hv:1")}),
    };
    QVERIFY(m_manager->pauseTimer(m_ids[2]));
    m_model->refresh();
}

void tst_TimerFilterModel::cleanup()
{
    m_tester.reset();
    m_proxy.reset();
    m_model.reset();
    m_manager.reset();
}

QStringList tst_TimerFilterModel::shownLabels() const
{
    QStringList labels;
    for (int row = 0; row < m_proxy->rowCount(); ++row)
        labels.append(m_proxy->index(row, 0).data(Roles::LabelRole).toString());
    return labels;
}

void tst_TimerFilterModel::filters_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("expected");

    const QStringList all{"net/poll.hv:7", "Autosave.hv:2", "ui/blink.hv:9", "net/retry.hv:1"};
    QTest::newRow("empty") << QString() << all;
    QTest::newRow("blank") << QStringLiteral("  ") << all;
    QTest::newRow("label part") << QStringLiteral("net/") << QStringList{all[0], all[3]};
    QTest::newRow("case-insensitive") << QStringLiteral("AUTOSAVE") << QStringList{all[1]};
    QTest::newRow("kind") << QStringLiteral("interval") << QStringList{all[0], all[2]};
    QTest::newRow("state") << QStringLiteral("paused") << QStringList{all[2]};
    QTest::newRow("hash id") << QStringLiteral("#2") << QStringList{all[1]};
    QTest::newRow("no match") << QStringLiteral("nothing like it") << QStringList{};
}

void tst_TimerFilterModel::filters()
{
    QFETCH(QString, text);
    QFETCH(QStringList, expected);

    // Ids are global and never reused: name the second timer by its real id.
    text.replace(QLatin1String("#2"), QStringLiteral("#%1").arg(m_ids[1]));
    QSignalSpy changed(m_proxy.get(), &TimerFilterModel::filterTextChanged);
    m_proxy->setFilterText(text);
    QCOMPARE(changed.count(), text.isEmpty() ? 0 : 1);
    QCOMPARE(shownLabels(), expected);
}

void tst_TimerFilterModel::sorts_data()
{
    QTest::addColumn<int>("role");
    QTest::addColumn<bool>("descending");
    QTest::addColumn<QStringList>("expected");

    const QString poll = "net/poll.hv:7", save = "Autosave.hv:2", blink = "ui/blink.hv:9",
                  retry = "net/retry.hv:1";
    QTest::newRow("id") << int(Roles::IdRole) << false << QStringList{poll, save, blink, retry};
    QTest::newRow("id descending") << int(Roles::IdRole) << true
                                   << QStringList{retry, blink, save, poll};
    QTest::newRow("label") << int(Roles::LabelRole) << false
                           << QStringList{save, poll, retry, blink};
    QTest::newRow("interval") << int(Roles::IntervalMsRole) << false
                              << QStringList{save, blink, poll, retry};
    // Equal kinds keep creation order, in either direction.
    QTest::newRow("kind") << int(Roles::KindRole) << false << QStringList{save, retry, poll, blink};
    QTest::newRow("kind descending") << int(Roles::KindRole) << true
                                     << QStringList{poll, blink, save, retry};
    QTest::newRow("state") << int(Roles::StateRole) << true << QStringList{blink, poll, save, retry};
}

void tst_TimerFilterModel::sorts()
{
    QFETCH(int, role);
    QFETCH(bool, descending);
    QFETCH(QStringList, expected);

    m_proxy->setSort(role, descending);
    QCOMPARE(m_proxy->sortKey(), role);
    QCOMPARE(m_proxy->descending(), descending);
    QCOMPARE(shownLabels(), expected);
}

void tst_TimerFilterModel::sortByTogglesOrder()
{
    QSignalSpy changed(m_proxy.get(), &TimerFilterModel::sortChanged);
    // Counts start with the busiest first, labels alphabetically.
    m_proxy->sortBy(Roles::FireCountRole);
    QVERIFY(m_proxy->descending());
    m_proxy->sortBy(Roles::FireCountRole);
    QVERIFY(!m_proxy->descending());
    m_proxy->sortBy(Roles::LabelRole);
    QVERIFY(!m_proxy->descending());
    QCOMPARE(m_proxy->sortKey(), int(Roles::LabelRole));
    QCOMPARE(changed.count(), 3);
}

void tst_TimerFilterModel::followsTheSource()
{
    m_proxy->setFilterText(QStringLiteral("net/"));
    m_proxy->setSort(Roles::LabelRole, false);
    m_manager->setInterval(&m_context, 1h, [] {}, TimerOptions{QStringLiteral("net/a.hv:1")});
    m_manager->setInterval(&m_context, 1h, [] {}, TimerOptions{QStringLiteral("other.hv:1")});
    QVERIFY(m_manager->stopTimer(m_ids[0]));
    m_model->refresh();
    QCOMPARE(shownLabels(), (QStringList{"net/a.hv:1", "net/retry.hv:1"}));
    QCOMPARE(m_model->stopAll(), 5);
    m_model->refresh();
    QCOMPARE(m_proxy->rowCount(), 0);
}

void tst_TimerFilterModel::refiltersWhenValuesChange()
{
    // The filter reads several roles, not just filterRole(): a pause must still re-filter.
    m_proxy->setFilterText(QStringLiteral("paused"));
    QCOMPARE(shownLabels(), QStringList{"ui/blink.hv:9"});
    QVERIFY(m_manager->pauseTimer(m_ids[0]));
    QVERIFY(m_manager->resumeTimer(m_ids[2]));
    m_model->refresh();
    QCOMPARE(shownLabels(), QStringList{"net/poll.hv:7"});
}

void tst_TimerFilterModel::resortsWhenValuesChange()
{
    m_proxy->setSort(Roles::StateRole, true);
    QCOMPARE(shownLabels().first(), QStringLiteral("ui/blink.hv:9"));
    QVERIFY(m_manager->resumeTimer(m_ids[2]));
    QVERIFY(m_manager->pauseTimer(m_ids[3]));
    m_model->refresh();
    QCOMPARE(shownLabels().first(), QStringLiteral("net/retry.hv:1"));
}

void tst_TimerFilterModel::tenThousandTimersSortedByFires()
{
    // The worst case for the proxy: every poll changes the sort key of thousands of rows.
    m_tester.reset(); // its per-signal checks would dominate the timing
    for (int i = 0; i < 10000; ++i) {
        m_manager->setInterval(&m_context, std::chrono::milliseconds(20 + (i * 37) % 980), [] {},
                               TimerOptions{QStringLiteral("gen.hv:%1").arg(i)});
    }
    m_proxy->setSort(Roles::FireCountRole, true);
    m_model->refresh();
    QCOMPARE(m_proxy->rowCount(), 10004);

    ThreadCpuClock clock;
    qint64 worstMs = 0;
    for (int poll = 0; poll < 10; ++poll) {
        QTest::qWait(30); // let timers fire between polls, as between the 10 Hz polls
        clock.start();
        m_model->refresh(); // the proxy re-sorts inside the model's signals
        worstMs = std::max(worstMs, clock.elapsed());
    }
    qDebug("10,000 timers sorted by fires: worst poll with re-sort %lld ms", worstMs);
    QVERIFY2(worstMs < kPollBudgetMs, qPrintable(QString::number(worstMs)));
    const auto firesAt = [this](int row) {
        return m_proxy->index(row, 0).data(Roles::FireCountRole).toULongLong();
    };
    for (int row = 1; row < m_proxy->rowCount(); row += 97)
        QVERIFY(firesAt(row - 1) >= firesAt(row));
}

QTEST_GUILESS_MAIN(tst_TimerFilterModel)
#include "tst_timerfiltermodel.moc"
