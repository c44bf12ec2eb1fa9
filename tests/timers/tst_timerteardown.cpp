// Teardown under stress (issue 9): in every round the manager, its callers and its contexts are
// torn down at once on different threads, while timers fire, fail, stop by their error policy,
// and are cleared, paused and resumed. Thousands of rounds, with a watchdog that turns a hang
// into a failure with a message.
//
// What each round checks:
//  * the manager's destructor returns (the watchdog fails the test otherwise);
//  * every callback is destroyed exactly once, and on its context's thread;
//  * no callback runs once its context is destroyed (a wake-up must never reach a dead
//    context). A callback on another thread may still be running when the destructor returns:
//    the destructor does not wait for other threads' callbacks, it only stops new ones.
//  * nothing is reported by the tsan and asan presets (they run this test too).
//
// HAVEL_TEARDOWN_ROUNDS sets the number of rounds (default 2000); HAVEL_TEARDOWN_WATCHDOG_S the
// seconds one round may take before the watchdog aborts the run (default 60).
#include "contextthread.h"
#include "timermanager.h"

#include <QtCore/QLoggingCategory>
#include <QtCore/QThread>
#include <QtTest/QtTest>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using havel::InvalidTimerId;
using havel::TimerId;
using havel::TimerManager;
using havel::TimerOptions;

namespace {

//! Spins for about @p us microseconds: jitter that spreads the overlap of the teardowns.
void spinFor(int us)
{
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(us);
    while (std::chrono::steady_clock::now() < until) { }
}

int envOr(const char *name, int fallback)
{
    const int value = qEnvironmentVariableIntValue(name);
    return value > 0 ? value : fallback;
}

//! A thread with an event loop that runs functors posted to it.
//! Thread: created and destroyed by the test thread; post() from any thread.
class WorkerThread
{
public:
    WorkerThread()
    {
        m_thread.start();
        m_anchor.moveToThread(&m_thread);
    }
    ~WorkerThread()
    {
        m_thread.quit();
        m_thread.wait();
    }
    QThread *thread() { return &m_thread; }
    //! Runs @p work on the thread.
    void post(std::function<void()> work) { postTo(&m_anchor, std::move(work)); }

private:
    QThread m_thread;
    QObject m_anchor;
};

//! A one-shot gate that many threads wait on, opened by one.
class Gate
{
public:
    void open()
    {
        std::lock_guard lock(m_lock);
        m_open = true;
        m_changed.notify_all();
    }
    void wait()
    {
        std::unique_lock lock(m_lock);
        m_changed.wait(lock, [this] { return m_open; });
    }

private:
    std::mutex m_lock;
    std::condition_variable m_changed;
    bool m_open = false;
};

//! What one round counts. Every field is atomic: callbacks on two threads, the destroyer and
//! the callers all write it.
struct Ledger
{
    std::atomic<int> created{0};
    std::atomic<int> destroyed{0};
    std::atomic<int> destroyedOffThread{0};
    std::atomic<int> ranAfterContextDeath{0};
    std::atomic<bool> contextDead[2] = {false, false}; // written and read on the context's thread
};

//! Lives in a callback: counts its destruction and checks its thread.
struct Witness
{
    Witness(Ledger *ledger, QThread *thread) : ledger(ledger), thread(thread) { ++ledger->created; }
    Witness(const Witness &) = delete;
    ~Witness()
    {
        if (thread && QThread::currentThread() != thread)
            ++ledger->destroyedOffThread;
        ++ledger->destroyed;
    }
    Ledger *ledger;
    QThread *thread; //!< the context's thread, or null when the timer may have been refused
};

//! Aborts the process, with a message, if a round does not finish in time.
class Watchdog
{
public:
    explicit Watchdog(int seconds) : m_seconds(seconds), m_thread([this] { run(); }) { }
    ~Watchdog()
    {
        {
            std::lock_guard lock(m_lock);
            m_done = true;
        }
        m_changed.notify_all();
        m_thread.join();
    }
    void roundStarted(int round)
    {
        std::lock_guard lock(m_lock);
        m_round = round;
        m_changed.notify_all();
    }

private:
    void run()
    {
        std::unique_lock lock(m_lock);
        while (!m_done) {
            const int round = m_round;
            if (!m_changed.wait_for(lock, std::chrono::seconds(m_seconds),
                                    [&] { return m_done || m_round != round; })) {
                std::fprintf(stderr, "FAIL! watchdog: round %d did not finish in %d s (a hang in "
                                     "teardown)\n", round, m_seconds);
                std::fflush(stderr);
                std::abort();
            }
        }
    }

    const int m_seconds;
    std::mutex m_lock;
    std::condition_variable m_changed;
    int m_round = -1;    // guarded by m_lock
    bool m_done = false; // guarded by m_lock
    std::thread m_thread;
};

} // namespace

class tst_TimerTeardown : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void concurrentTeardown();
};

void tst_TimerTeardown::initTestCase()
{
    // Thousands of failing callbacks and destroyed managers would bury the output.
    QLoggingCategory::setFilterRules(QStringLiteral("havel.timers.warning=false\n"
                                                    "havel.timers.info=false"));
}

void tst_TimerTeardown::concurrentTeardown()
{
    const int rounds = envOr("HAVEL_TEARDOWN_ROUNDS", 2000);
    Watchdog watchdog(envOr("HAVEL_TEARDOWN_WATCHDOG_S", 60));
    constexpr int contextCount = 2;
    std::vector<std::unique_ptr<WorkerThread>> workers;
    for (int i = 0; i < contextCount; ++i)
        workers.push_back(std::make_unique<WorkerThread>());
    std::mt19937 random(20261201);

    for (int round = 0; round < rounds; ++round) {
        watchdog.roundStarted(round);
        Ledger ledger;
        auto manager = std::make_unique<TimerManager>();
        TimerManager *raw = manager.get();

        // One context per worker, made on its thread.
        std::vector<QObject *> contexts;
        for (auto &worker : workers) {
            std::promise<QObject *> made;
            worker->post([&made] { made.set_value(new QObject); });
            contexts.push_back(made.get_future().get());
        }

        // Timers on every context, made from this thread: many, so that the context's
        // destruction holds the registry lock a while; some fail and stop by their policy.
        std::vector<TimerId> ids;
        const int perContext = 50 + int(random() % 200);
        for (int c = 0; c < contextCount; ++c) {
            QObject *context = contexts[std::size_t(c)];
            QThread *thread = workers[std::size_t(c)]->thread();
            for (int i = 0; i < perContext; ++i) {
                auto witness = std::make_shared<Witness>(&ledger, thread);
                auto callback = [&ledger, witness = std::move(witness), i, c] {
                    if (ledger.contextDead[c])
                        ++ledger.ranAfterContextDeath;
                    if (i % 4 == 0)
                        throw std::runtime_error("fails, and stops by its policy");
                };
                TimerOptions options;
                options.stopAfterErrors = i % 4 == 0 ? 1 : 0;
                const auto delay = std::chrono::milliseconds(random() % 3);
                // Moved in: no copy may be left here to be the last one destroyed.
                const TimerId id = i % 2
                        ? raw->setInterval(context, 1ms, std::move(callback), options)
                        : raw->setTimeout(context, delay, std::move(callback), options);
                QVERIFY(id != InvalidTimerId);
                ids.push_back(id);
            }
        }

        // At the gate: the contexts die on their threads, while two callers clear, pause and
        // resume (they touch no context) and then the manager is destroyed on a thread of its
        // own, while callbacks still fire and fail on the context threads.
        Gate go;
        std::vector<std::promise<void>> contextGone(contextCount);
        for (int c = 0; c < contextCount; ++c) {
            const int jitter = int(random() % 300);
            workers[std::size_t(c)]->post([&go, &contextGone, &ledger, c, jitter,
                                           context = contexts[std::size_t(c)]] {
                go.wait();
                spinFor(jitter);
                delete context;
                ledger.contextDead[c] = true;
                contextGone[std::size_t(c)].set_value();
            });
        }
        std::vector<std::thread> callers;
        for (unsigned t = 0; t < 2; ++t) {
            callers.emplace_back([&, t] {
                std::mt19937 own(unsigned(round) * 7u + t);
                go.wait();
                for (int op = 0; op < 200; ++op) {
                    const TimerId id = ids[own() % ids.size()];
                    switch (own() % 3) {
                    case 0: raw->stopTimer(id); break;
                    case 1: raw->pauseTimer(id); break;
                    default: raw->resumeTimer(id); break;
                    }
                }
            });
        }
        const int destroyerJitter = int(random() % 300);
        std::thread destroyer([&] {
            go.wait();
            spinFor(destroyerJitter);
            // The callers use the manager, so they are done before it goes; the contexts and
            // their callbacks are not waited for.
            for (std::thread &caller : callers)
                caller.join();
            manager.reset();
        });
        go.open();
        destroyer.join();
        for (auto &gone : contextGone)
            gone.get_future().wait();

        // Every callback is destroyed, once, on its context's thread. Callbacks still in a
        // posted wake-up go when that runs: wait for each worker to drain its queue.
        for (auto &worker : workers) {
            std::promise<void> drained;
            worker->post([&drained] { drained.set_value(); });
            drained.get_future().wait();
        }
        QTRY_COMPARE_WITH_TIMEOUT(ledger.destroyed.load(), ledger.created.load(), 20000);
        QCOMPARE(ledger.destroyedOffThread.load(), 0);
        QCOMPARE(ledger.ranAfterContextDeath.load(), 0);
    }
    qInfo("%d rounds", rounds);
}

QTEST_GUILESS_MAIN(tst_TimerTeardown)
#include "tst_timerteardown.moc"
