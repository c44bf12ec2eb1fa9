// The inspector channel: InspectorPublisher (the `havel --inspect` side) and RemoteTimerSource
// (the `havel-inspector --attach` side) over a real Unix socket, in one process.
//  * the folder and socket permissions, and the peer-credential check (a second user is made
//    with fork() + setuid() when the test runs as root; the check's parts are tested directly
//    otherwise);
//  * a TimerListModel on a remote source under QAbstractItemModelTester, attached and detached
//    over and over during a fire storm, the script's timers left untouched;
//  * pause, resume, stop and "stop all" from the remote model;
//  * the end of a run (exit code) and a dead publisher;
//  * the delta codec, including malformed bytes.
#include "../timers/contextthread.h"
#include "inspectendpoint.h"
#include "inspectorpublisher.h"
#include "remotetimersource.h"
#include "timerfiltermodel.h"
#include "timerhistorymodel.h"
#include "timerlistmodel.h"
#include "timermanager.h"
#include "timerstatuscodec.h"

#include <QtCore/QFile>
#include <QtCore/QTemporaryDir>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QtTest>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <memory>

using namespace std::chrono_literals;
using havel::InspectEndpoint;
using havel::InspectorPublisher;
using havel::RemoteTimerSource;
using havel::TimerId;
using havel::TimerListModel;
using havel::TimerManager;

namespace {

mode_t modeOf(const QString &path)
{
    struct stat st {};
    return ::lstat(QFile::encodeName(path).constData(), &st) == 0 ? (st.st_mode & 07777) : 0;
}

} // namespace

class tst_RemoteTimerSource : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void directoryIsPrivate();
    void socketIsOwnerOnly();
    void peerCredentials();
    void otherUserIsRefused();
    void mirrorsTheTimers();
    void attachAndDetachDuringStorm();
    void remoteActions();
    void remoteActionsRespectModes();
    void endOfRunAndDeath();
    void codecRoundTripAndGarbage();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ContextThread> m_thread;
    std::unique_ptr<TimerManager> m_manager;
    std::unique_ptr<InspectorPublisher> m_publisher;

    QString publishDir() const { return m_dir->path() + QStringLiteral("/havel"); }
    void publish();
};

void tst_RemoteTimerSource::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_thread = std::make_unique<ContextThread>();
    m_manager = std::make_unique<TimerManager>();
}

void tst_RemoteTimerSource::cleanup()
{
    m_publisher.reset();
    m_manager.reset();
    m_thread.reset();
    m_dir.reset();
}

void tst_RemoteTimerSource::publish()
{
    qputenv("XDG_RUNTIME_DIR", QFile::encodeName(m_dir->path()));
    QString error;
    const QString dir = InspectEndpoint::directory(&error);
    QCOMPARE(dir, publishDir());
    m_publisher = std::make_unique<InspectorPublisher>(m_manager.get(), nullptr);
    QVERIFY2(m_publisher->start(QStringLiteral("test"), QStringLiteral("test.hv"), &error, dir),
             qPrintable(error));
}

void tst_RemoteTimerSource::directoryIsPrivate()
{
    qputenv("XDG_RUNTIME_DIR", QFile::encodeName(m_dir->path()));
    QString error;
    QCOMPARE(InspectEndpoint::directory(&error), publishDir());
    QCOMPARE(modeOf(publishDir()), mode_t(0700));
    // Opened up by someone: made private again.
    QVERIFY(::chmod(QFile::encodeName(publishDir()).constData(), 0777) == 0);
    QCOMPARE(InspectEndpoint::directory(&error), publishDir());
    QCOMPARE(modeOf(publishDir()), mode_t(0700));
    // A symlink planted where the folder should be is refused, whatever it points to.
    QVERIFY(QDir(publishDir()).removeRecursively());
    QVERIFY(QFile::link(m_dir->path(), publishDir()));
    QVERIFY(InspectEndpoint::directory(&error).isEmpty());
    QVERIFY2(error.contains(QLatin1String("not a folder owned by this user")), qPrintable(error));
    // Without XDG_RUNTIME_DIR: a folder of this user under /tmp.
    qunsetenv("XDG_RUNTIME_DIR");
    const QString fallback = InspectEndpoint::directory(&error);
    QCOMPARE(fallback, QStringLiteral("/tmp/havel-%1").arg(::geteuid()));
    QCOMPARE(modeOf(fallback), mode_t(0700));
}

void tst_RemoteTimerSource::socketIsOwnerOnly()
{
    publish();
    const QString socket = m_publisher->socketPath();
    QCOMPARE(socket, InspectEndpoint::socketPath(publishDir(), ::getpid()));
    struct stat st {};
    QVERIFY(::lstat(QFile::encodeName(socket).constData(), &st) == 0);
    QVERIFY(S_ISSOCK(st.st_mode));
    QCOMPARE(st.st_mode & 0777, mode_t(0600));
    QCOMPARE(st.st_uid, ::geteuid());
    QCOMPARE(modeOf(InspectEndpoint::descriptionPath(publishDir(), ::getpid())), mode_t(0600));
    const auto published = InspectEndpoint::published(publishDir());
    QCOMPARE(published.size(), 1);
    QCOMPARE(published.front().pid, qint64(::getpid()));
    QCOMPARE(published.front().name, QStringLiteral("test"));
    QCOMPARE(published.front().script, QStringLiteral("test.hv"));
    // Gone with the publisher.
    m_publisher.reset();
    QVERIFY(!QFile::exists(socket));
    QVERIFY(InspectEndpoint::published(publishDir()).isEmpty());
}

void tst_RemoteTimerSource::peerCredentials()
{
    int fds[2];
    QVERIFY(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    QString error;
    QCOMPARE(InspectEndpoint::peerUid(fds[0], &error), qint64(::geteuid()));
    QVERIFY(InspectEndpoint::mayConnect(::geteuid()));
    QVERIFY(!InspectEndpoint::mayConnect(qint64(::geteuid()) + 1));
    QVERIFY(!InspectEndpoint::mayConnect(-1));
    ::close(fds[0]);
    ::close(fds[1]);
    // Not a socket: an error, never a uid.
    QCOMPARE(InspectEndpoint::peerUid(0 + 1000, &error), qint64(-1));
    QVERIFY(!error.isEmpty());
    QVERIFY(InspectEndpoint::nameProblem(QStringLiteral("my-script_1.hv")).isEmpty());
    QVERIFY(!InspectEndpoint::nameProblem(QStringLiteral("../x")).isEmpty());
    QVERIFY(!InspectEndpoint::nameProblem(QString()).isEmpty());
}

void tst_RemoteTimerSource::otherUserIsRefused()
{
    if (::geteuid() != 0)
        QSKIP("needs root to become a second user; the parts are tested in peerCredentials");
    publish();
    // Open the way on purpose, so that only the credential check stands between the other user
    // and the channel.
    QVERIFY(::chmod(QFile::encodeName(m_dir->path()).constData(), 0755) == 0);
    QVERIFY(::chmod(QFile::encodeName(publishDir()).constData(), 0755) == 0);
    QVERIFY(::chmod(QFile::encodeName(m_publisher->socketPath()).constData(), 0666) == 0);
    QSignalSpy checked(m_publisher.get(), &InspectorPublisher::peerChecked);
    const QByteArray path = QFile::encodeName(m_publisher->socketPath());
    const pid_t child = ::fork();
    QVERIFY(child >= 0);
    if (child == 0) {
        // Only async-signal-safe calls from here on: this process was forked from a threaded one.
        if (::setgid(65534) != 0 || ::setuid(65534) != 0)
            ::_exit(2);
        const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un address {};
        address.sun_family = AF_UNIX;
        std::memcpy(address.sun_path, path.constData(), size_t(path.size()) + 1);
        if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0)
            ::_exit(3);
        char byte;
        // The server must hang up without a word: read() sees end of file (or a reset).
        const ssize_t n = ::read(fd, &byte, 1);
        ::_exit(n <= 0 ? 0 : 4);
    }
    QTRY_COMPARE_WITH_TIMEOUT(checked.count(), 1, 10000);
    QCOMPARE(checked.front().front().toBool(), false);
    int status = 0;
    QCOMPARE(::waitpid(child, &status, 0), child);
    QVERIFY(WIFEXITED(status));
    QCOMPARE(WEXITSTATUS(status), 0);
    QCOMPARE(m_publisher->attachedCount(), 0);
}

void tst_RemoteTimerSource::mirrorsTheTimers()
{
    publish();
    QObject *context = m_thread->context();
    const TimerId a = m_manager->setInterval(context, 1h, [] {}, {QStringLiteral("a.hv:1")});
    const TimerId b = m_manager->setTimeout(context, 2h, [] {}, {QStringLiteral("b.hv:2")});
    QVERIFY(m_manager->pauseTimer(b));
    RemoteTimerSource source;
    source.attach(m_publisher->socketPath());
    QTRY_COMPARE(source.state(), RemoteTimerSource::State::Attached);
    QCOMPARE(source.pid(), qint64(::getpid()));
    QCOMPARE(source.scriptName(), QStringLiteral("test.hv"));
    const auto mirrored = source.snapshot().timers;
    const auto local = m_manager->snapshot().timers;
    QCOMPARE(mirrored.size(), size_t(2));
    for (size_t i = 0; i < mirrored.size(); ++i) {
        QCOMPARE(mirrored[i].id, local[i].id);
        QCOMPARE(mirrored[i].label, local[i].label);
        QCOMPARE(mirrored[i].state, local[i].state);
        QCOMPARE(mirrored[i].interval, local[i].interval);
        QVERIFY(!havel::TimerStatusCodec::differs(mirrored[i], local[i]));
    }
    QCOMPARE(mirrored[0].id, a);
    // Changes follow; a stopped timer goes away.
    QVERIFY(m_manager->stopTimer(a));
    QTRY_COMPARE(source.snapshot().timers.size(), size_t(1));
    QCOMPARE(source.snapshot().timers.front().id, b);
}

void tst_RemoteTimerSource::attachAndDetachDuringStorm()
{
    publish();
    QObject *context = m_thread->context();
    constexpr int kTimers = 300;
    auto fires = std::make_shared<std::atomic<quint64>>(0);
    for (int i = 0; i < kTimers; ++i)
        m_manager->setInterval(context, std::chrono::milliseconds(1 + i % 5), [fires] { ++*fires; });
    for (int round = 0; round < 4; ++round) {
        RemoteTimerSource source;
        TimerListModel model(&source);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        havel::TimerFilterModel proxy;
        proxy.setSourceModel(&model);
        proxy.setSort(TimerListModel::NextDueMsRole, false);
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        source.attach(m_publisher->socketPath());
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), kTimers, 20000);
        // Fires keep arriving through the channel.
        const double firesBefore = model.data(model.index(0), TimerListModel::FireCountRole).toDouble();
        QTRY_VERIFY_WITH_TIMEOUT(
                model.data(model.index(0), TimerListModel::FireCountRole).toDouble() > firesBefore,
                20000);
        QVERIFY(model.firesPerSecond() >= 0);
        // Detach in the middle of the storm (the objects go out of scope).
    }
    // The script's timers are untouched by every attach and detach.
    QCOMPARE(m_manager->activeTimerCount(), qsizetype(kTimers));
    const quint64 before = *fires;
    QTRY_VERIFY(*fires > before);
    QTRY_COMPARE(m_publisher->attachedCount(), 0);
}

void tst_RemoteTimerSource::remoteActions()
{
    publish();
    QObject *context = m_thread->context();
    const TimerId a = m_manager->setInterval(context, 1h, [] {});
    const TimerId b = m_manager->setInterval(context, 1h, [] {});
    const TimerId c = m_manager->setInterval(context, 1h, [] {});
    RemoteTimerSource source;
    TimerListModel model(&source);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy controlled(m_publisher.get(), &InspectorPublisher::timersControlled);
    source.attach(m_publisher->socketPath());
    QTRY_COMPARE(model.rowCount(), 3);

    QVERIFY(model.pause(a));
    QTRY_COMPARE(m_manager->timerStatus(a)->state, havel::TimerState::Paused);
    QTRY_COMPARE(model.pausedCount(), 1);
    QVERIFY(model.resume(a));
    QTRY_COMPARE(m_manager->timerStatus(a)->state, havel::TimerState::Active);
    QVERIFY(model.stop(b));
    QTRY_VERIFY(!m_manager->timerStatus(b));
    QTRY_COMPARE(model.rowCount(), 2);
    QVERIFY(!model.stop(b)); // gone: nothing to send
    QCOMPARE(model.stopTimers({QVariant::fromValue(c)}), 1);
    QTRY_VERIFY(!m_manager->timerStatus(c));
    QTRY_COMPARE(controlled.count(), 4); // the script host is told, as for the local window
    QTRY_COMPARE(model.rowCount(), 1); // the replica has seen c go: "Stop all" acts on what it shows
    QCOMPARE(model.stopAll(), 1);
    QTRY_COMPARE(m_manager->activeTimerCount(), qsizetype(0));
    QTRY_COMPARE(model.rowCount(), 0);
    QCOMPARE(model.history()->rowCount(), 3); // b, c, a ended while watched
}

void tst_RemoteTimerSource::remoteActionsRespectModes()
{
    // The script layer pauses a timer outside its mode with PauseByMode; the inspector's
    // Resume (remote here) clears only the user's reason, and the user's pause survives the
    // mode coming back.
    publish();
    havel::TimerOptions options;
    options.label = QStringLiteral("game.hv:3");
    options.mode = QStringLiteral("gaming");
    const TimerId id = m_manager->setInterval(m_thread->context(), 1h, [] {}, options);
    QVERIFY(m_manager->pauseTimer(id, havel::PauseByMode)); // the script is in another mode
    RemoteTimerSource source;
    TimerListModel model(&source);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    source.attach(m_publisher->socketPath());
    QTRY_COMPARE(model.rowCount(), 1);
    const auto reasons = [&] { return model.data(model.index(0), TimerListModel::PauseReasonsRole).toInt(); };
    QCOMPARE(model.data(model.index(0), TimerListModel::ModeRole).toString(), QStringLiteral("gaming"));
    QCOMPARE(reasons(), int(havel::PauseByMode));

    QVERIFY(model.resume(id)); // Resume outside the mode: nothing to clear, still paused
    QTRY_COMPARE(m_manager->timerStatus(id)->pauseReasons, havel::PauseReasons(havel::PauseByMode));
    QCOMPARE(m_manager->timerStatus(id)->state, havel::TimerState::Paused);

    QVERIFY(model.pause(id)); // the user's own pause joins the mode's
    QTRY_COMPARE(reasons(), int(havel::PauseByUser | havel::PauseByMode));
    QVERIFY(m_manager->resumeTimer(id, havel::PauseByMode)); // the mode comes back
    QTRY_COMPARE(reasons(), int(havel::PauseByUser));
    QCOMPARE(m_manager->timerStatus(id)->state, havel::TimerState::Paused); // the user's pause holds
    QVERIFY(model.resume(id));
    QTRY_COMPARE(m_manager->timerStatus(id)->state, havel::TimerState::Active);
    QTRY_COMPARE(reasons(), 0);
    QCOMPARE(model.data(model.index(0), TimerListModel::StateRole).value<TimerListModel::State>(),
             TimerListModel::State::Active);
}

void tst_RemoteTimerSource::endOfRunAndDeath()
{
    publish();
    m_manager->setInterval(m_thread->context(), 1h, [] {});
    {
        RemoteTimerSource source;
        source.attach(m_publisher->socketPath());
        QTRY_COMPARE(source.state(), RemoteTimerSource::State::Attached);
        m_publisher->runFinished(3);
        QTRY_COMPARE(source.state(), RemoteTimerSource::State::Ended);
        QCOMPARE(source.exitCode(), 3);
        QVERIFY2(source.statusText().contains(QLatin1String("exit code 3")), qPrintable(source.statusText()));
        QVERIFY(!source.pauseTimer(source.snapshot().timers.front().id)); // nothing to control
    }
    m_publisher.reset();
    publish();
    RemoteTimerSource source;
    source.attach(m_publisher->socketPath());
    QTRY_COMPARE(source.state(), RemoteTimerSource::State::Attached);
    m_publisher.reset(); // the process "dies": no end of run was announced
    QTRY_COMPARE(source.state(), RemoteTimerSource::State::Lost);
    QVERIFY(source.statusText().contains(QLatin1String("died")));
    // Nothing listens any more.
    RemoteTimerSource late;
    late.attach(InspectEndpoint::socketPath(publishDir(), ::getpid()));
    QTRY_COMPARE(late.state(), RemoteTimerSource::State::Refused);
}

void tst_RemoteTimerSource::codecRoundTripAndGarbage()
{
    havel::TimerDelta delta;
    delta.sequence = 42;
    delta.removed = {7, 9};
    havel::TimerStatus status;
    status.id = 5;
    status.kind = havel::TimerKind::Interval;
    status.state = havel::TimerState::Paused;
    status.interval = 250ms;
    status.remaining = 123ms;
    status.fireCount = 17;
    status.errorCount = 2;
    status.lastError = QStringLiteral("boom ✓");
    status.maxLateness = 3ms;
    status.label = QStringLiteral("x.hv:3");
    delta.changed.push_back(status);
    const QByteArray bytes = havel::TimerStatusCodec::encode(delta);
    havel::TimerDelta back;
    QVERIFY(havel::TimerStatusCodec::decode(bytes, &back));
    QCOMPARE(back.sequence, quint64(42));
    QCOMPARE(back.removed, delta.removed);
    QCOMPARE(back.changed.size(), size_t(1));
    QVERIFY(!havel::TimerStatusCodec::differs(back.changed.front(), status));
    QCOMPARE(back.changed.front().remaining, status.remaining);
    // Truncated, extended, or nonsense: refused, never a crash.
    for (int cut = 0; cut < bytes.size(); cut += 7)
        QVERIFY(!havel::TimerStatusCodec::decode(bytes.left(cut), &back));
    QVERIFY(!havel::TimerStatusCodec::decode(bytes + "x", &back));
    QVERIFY(!havel::TimerStatusCodec::decode(QByteArray(64, '\xff'), &back));
}

QTEST_GUILESS_MAIN(tst_RemoteTimerSource)
#include "tst_remotetimersource.moc"
