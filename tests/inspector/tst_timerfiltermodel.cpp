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
    void sortsBySeveralKeys();
    void pausedLastByNextFire_data();
    void pausedLastByNextFire();
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

void tst_TimerFilterModel::sortsBySeveralKeys()
{
    // Kind first (timeouts, then intervals), then within each kind by schedule, longest first.
    m_proxy->sortBy(Roles::KindRole);
    m_proxy->addSortKey(Roles::IntervalMsRole);
    QCOMPARE(m_proxy->sortKeys().size(), 2);
    QCOMPARE(m_proxy->sortKey(), int(Roles::KindRole));
    m_proxy->setSort(Roles::KindRole, false);
    m_proxy->addSortKey(Roles::IntervalMsRole);
    QCOMPARE(shownLabels(), (QStringList{"net/retry.hv:1", "Autosave.hv:2", "net/poll.hv:7", "ui/blink.hv:9"}));
    // A Shift+click on a key already there flips it, and keeps the others.
    m_proxy->addSortKey(Roles::IntervalMsRole);
    QCOMPARE(shownLabels(), (QStringList{"Autosave.hv:2", "net/retry.hv:1", "ui/blink.hv:9", "net/poll.hv:7"}));
    const QVariantList keys = m_proxy->sortKeysForQml();
    QCOMPARE(keys.size(), 2);
    QCOMPARE(keys[1].toMap().value(QStringLiteral("role")).toInt(), int(Roles::IntervalMsRole));
    QCOMPARE(keys[1].toMap().value(QStringLiteral("descending")).toBool(), false);
    // A plain click makes one key again; from creation order, a Shift+click replaces it.
    m_proxy->sortBy(Roles::LabelRole);
    QCOMPARE(m_proxy->sortKeys().size(), 1);
    m_proxy->setSort(Roles::IdRole, false);
    m_proxy->addSortKey(Roles::LabelRole);
    QCOMPARE(m_proxy->sortKeys().size(), 1);
    QCOMPARE(m_proxy->sortKey(), int(Roles::LabelRole));
    // At most kMaxSortKeys keys.
    m_proxy->addSortKey(Roles::KindRole);
    m_proxy->addSortKey(Roles::StateRole);
    m_proxy->addSortKey(Roles::IntervalMsRole);
    QCOMPARE(m_proxy->sortKeys().size(), TimerFilterModel::kMaxSortKeys);
    QCOMPARE(m_proxy->sortKeys().back().role, int(Roles::IntervalMsRole));
}

void tst_TimerFilterModel::pausedLastByNextFire_data()
{
    QTest::addColumn<bool>("descending");
    QTest::newRow("soonest first") << false;
    QTest::newRow("latest first") << true;
}

void tst_TimerFilterModel::pausedLastByNextFire()
{
    QFETCH(bool, descending);
    // ui/blink.hv:9 is paused: whichever way next fire sorts, it has none, so it comes last.
    m_proxy->setSort(Roles::NextDueMsRole, descending);
    QCOMPARE(shownLabels().constLast(), QStringLiteral("ui/blink.hv:9"));
    QCOMPARE(shownLabels().constFirst(), descending ? QStringLiteral("net/retry.hv:1")
                                                    : QStringLiteral("Autosave.hv:2"));
    // Also as a second key.
    m_proxy->setSort(Roles::KindRole, true);
    m_proxy->addSortKey(Roles::NextDueMsRole);
    QCOMPARE(shownLabels(), (QStringList{"net/poll.hv:7", "ui/blink.hv:9", "Autosave.hv:2", "net/retry.hv:1"}));
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
