// The inspector's models under a fire storm: TimerListModel (and TimerFilterModel on top of it)
// attached to a busy TimerManager and detached again, over and over, while thousands of
// intervals fire on another thread and a churn thread creates, clears, pauses and resumes
// timers; and the manager destroyed while a model is attached. Every model runs under
// QAbstractItemModelTester, which fails the test on any broken model invariant.
#include "../timers/contextthread.h"
#include "timerfiltermodel.h"
#include "timerlistmodel.h"
#include "timermanager.h"

#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QtTest>

#include <atomic>
#include <memory>
#include <random>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using havel::TimerFilterModel;
using havel::TimerId;
using havel::TimerListModel;
using havel::TimerManager;

namespace {

constexpr int kStormTimers = 2000;

//! Thousands of intervals firing on a context thread, and a thread that churns timers (creates,
//! clears, pauses, resumes) until the storm is destroyed.
//! Thread: built and destroyed on the test thread; the churn runs on its own std::thread.
class FireStorm
{
public:
    FireStorm(TimerManager &manager, QObject *context) : m_manager(manager)
    {
        for (int i = 0; i < kStormTimers; ++i)
            manager.setInterval(context, std::chrono::milliseconds(1 + i % 5), [fires = m_fires] { ++*fires; });
        m_churn = std::thread([this, context] {
            std::mt19937 random(7);
            std::vector<TimerId> ids;
            while (!m_stop) {
                const int op = int(random() % 6);
                if (op < 2 || ids.empty()) {
                    ids.push_back(m_manager.setTimeout(context, std::chrono::milliseconds(random() % 4),
                                                       [fires = m_fires] { ++*fires; }));
                } else if (op < 4) {
                    const std::size_t at = random() % ids.size();
                    m_manager.stopTimer(ids[at]);
                    ids[at] = ids.back();
                    ids.pop_back();
                } else if (op == 4) {
                    m_manager.pauseTimer(ids[random() % ids.size()]);
                } else {
                    m_manager.resumeTimer(ids[random() % ids.size()]);
                }
                if (ids.size() > 500) {
                    for (const TimerId id : ids)
                        m_manager.stopTimer(id);
                    ids.clear();
                }
            }
        });
    }
    ~FireStorm()
    {
        m_stop = true;
        m_churn.join();
    }
    int fires() const { return *m_fires; }

private:
    TimerManager &m_manager;
    std::atomic<bool> m_stop{false};
    // Shared with the callbacks, which may still run after the storm is gone (until the
    // manager is destroyed too).
    std::shared_ptr<std::atomic<int>> m_fires = std::make_shared<std::atomic<int>>(0);
    std::thread m_churn;
};

//! The model's rows must stay in creation (= id) order with valid ids, whatever the storm does.
bool rowsAreOrdered(const TimerListModel &model)
{
    quint64 previous = 0;
    for (int row = 0; row < model.rowCount(); ++row) {
        const quint64 id = model.data(model.index(row), TimerListModel::IdRole).toULongLong();
        if (id <= previous)
            return false;
        previous = id;
    }
    return true;
}

} // namespace

//! Thread: the test thread is the GUI thread of the models; the storm fires on m_context.
class tst_InspectorFaults : public QObject
{
    Q_OBJECT

private slots:
    void attachDetachDuringFireStorm_data();
    void attachDetachDuringFireStorm();
    void managerDestroyedWhileAttached();

private:
    ContextThread m_context;
};

void tst_InspectorFaults::attachDetachDuringFireStorm_data()
{
    QTest::addColumn<bool>("withFilter");
    QTest::addColumn<int>("pollInterval");
    QTest::newRow("list model, polled by hand") << false << 0;
    QTest::newRow("list model, polling every 1 ms") << false << 1;
    QTest::newRow("filter and sort on top, polling every 1 ms") << true << 1;
}

void tst_InspectorFaults::attachDetachDuringFireStorm()
{
    QFETCH(bool, withFilter);
    QFETCH(int, pollInterval);
    TimerManager manager;
    FireStorm storm(manager, m_context.context());
    QTRY_VERIFY_WITH_TIMEOUT(storm.fires() > kStormTimers, 30000);

    for (int round = 0; round < 12; ++round) {
        auto model = std::make_unique<TimerListModel>(&manager);
        model->setPollInterval(pollInterval);
        auto tester = std::make_unique<QAbstractItemModelTester>(
                model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        std::unique_ptr<TimerFilterModel> filter;
        std::unique_ptr<QAbstractItemModelTester> filterTester;
        if (withFilter) {
            filter = std::make_unique<TimerFilterModel>();
            filter->setSourceModel(model.get());
            filter->setFilterText(QString::number(round % 10));
            filterTester = std::make_unique<QAbstractItemModelTester>(
                    filter.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        }
        if (pollInterval == 0) {
            for (int poll = 0; poll < 3; ++poll) {
                model->refresh();
                QCoreApplication::processEvents();
            }
        } else {
            QSignalSpy polled(model.get(), &TimerListModel::refreshed);
            QTRY_VERIFY_WITH_TIMEOUT(polled.count() >= 2, 20000);
        }
        QVERIFY(model->rowCount() >= kStormTimers); // the intervals never stop
        QVERIFY(rowsAreOrdered(*model));
        if (QTest::currentTestFailed())
            return;
        // Detach in the order a window closing would: proxy first, at a random point.
        filterTester.reset();
        filter.reset();
        tester.reset();
        model.reset();
    }
    QCOMPARE(manager.cleanupAllTimers() >= kStormTimers, true);
}

// The manager destroyed while a model is attached and the storm still fires: the model empties
// itself on its next poll, stays valid under the tester, and polls on harmlessly afterwards.
void tst_InspectorFaults::managerDestroyedWhileAttached()
{
    auto manager = std::make_unique<TimerManager>();
    auto storm = std::make_unique<FireStorm>(*manager, m_context.context());
    TimerListModel model(manager.get());
    model.setPollInterval(1);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTRY_VERIFY_WITH_TIMEOUT(model.rowCount() >= kStormTimers, 30000);

    storm.reset(); // the churn thread must not outlive the manager it uses
    manager.reset();
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 0, 20000);
    QSignalSpy polled(&model, &TimerListModel::refreshed);
    model.refresh();
    QCoreApplication::processEvents();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.liveCount(), 0);
    QCOMPARE(model.stopAll(), 0);
    QVERIFY(!model.pause(1));
}

QTEST_GUILESS_MAIN(tst_InspectorFaults)
#include "tst_inspectorfaults.moc"
