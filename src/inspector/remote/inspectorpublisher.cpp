#include "inspectorpublisher.h"

#include "inspectendpoint.h"
#include "inspectlogging.h"
#include "timermanager.h"
#include "timerstatuscodec.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QFile>
#include <QtNetwork/QLocalServer>
#include <QtNetwork/QLocalSocket>
#include <QtRemoteObjects/QRemoteObjectHost>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>

namespace havel {

namespace {

// The interpreter counts as busy for the channel after this long away from its loop; shorter
// stretches are normal callbacks and would only make the property flicker.
constexpr qint64 kBusyReportNs = 500'000'000;

qint64 steadyNowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
}

} // namespace

InspectorPublisher::InspectorPublisher(TimerManager *manager, ActivityProbe probe, QObject *parent)
    : InspectorChannelSimpleSource(parent), m_manager(manager), m_probe(std::move(probe))
{
    m_poll.setInterval(kPollIntervalMs);
    connect(&m_poll, &QTimer::timeout, this, &InspectorPublisher::publish);
}

InspectorPublisher::~InspectorPublisher()
{
    if (m_server) {
        m_server->close();
        QFile::remove(InspectEndpoint::descriptionPath(m_dir, pid()));
        QFile::remove(m_socketPath);
        // The sockets (children of m_server) signal as they are destroyed: not to us any more.
        for (QLocalSocket *socket : m_server->findChildren<QLocalSocket *>())
            socket->disconnect(this);
    }
    // The host refers to this object and to the sockets: it goes before either.
    m_host.reset();
    m_server.reset();
}

bool InspectorPublisher::start(const QString &name, const QString &scriptName, QString *error,
                               const QString &dir)
{
    m_dir = dir.isEmpty() ? InspectEndpoint::directory(error) : dir;
    if (m_dir.isEmpty())
        return false;
    const qint64 ownPid = qint64(::getpid());
    m_socketPath = InspectEndpoint::socketPath(m_dir, ownPid);
    // A socket file of an earlier process with our pid (pids are reused) would block listen().
    QLocalServer::removeServer(m_socketPath);
    m_server = std::make_unique<QLocalServer>();
    if (!m_server->listen(m_socketPath)) {
        *error = QStringLiteral("cannot listen on %1: %2").arg(m_socketPath, m_server->errorString());
        m_server.reset();
        return false;
    }
    // The folder is 0700 already, so nobody else could reach the socket before this.
    if (::chmod(QFile::encodeName(m_socketPath).constData(), 0600) != 0) {
        *error = QStringLiteral("cannot make %1 private").arg(m_socketPath);
        m_server.reset();
        QFile::remove(m_socketPath);
        return false;
    }
    setPid(ownPid);
    setName(name);
    setScriptName(scriptName);
    if (!InspectEndpoint::describe(m_dir, {ownPid, name, scriptName, m_socketPath}, error)) {
        m_server.reset();
        QFile::remove(m_socketPath);
        return false;
    }
    m_host = std::make_unique<QRemoteObjectHost>();
    connect(m_server.get(), &QLocalServer::newConnection, this, &InspectorPublisher::onNewConnection);
    qCInfo(lcInspect, "publishing %s as '%s' on %s", qPrintable(scriptName), qPrintable(name),
           qPrintable(m_socketPath));
    return true;
}

void InspectorPublisher::onNewConnection()
{
    while (QLocalSocket *socket = m_server->nextPendingConnection()) {
        QString why;
        const qint64 uid = InspectEndpoint::peerUid(int(socket->socketDescriptor()), &why);
        if (!InspectEndpoint::mayConnect(uid)) {
            qCWarning(lcInspect, "InspectorPublisher: refused a connection from uid %lld%s%s",
                      uid, why.isEmpty() ? "" : ": ", qPrintable(why));
            socket->abort();
            socket->deleteLater();
            Q_EMIT peerChecked(false);
            continue;
        }
        // Fresh figures for `havel-inspector --list`, which reads them and leaves.
        if (m_manager)
            setLiveTimers(int(m_manager->activeTimerCount()));
        m_sockets.append(socket);
        connect(socket, &QLocalSocket::disconnected, this, [this, socket] {
            // Not deleted here: the remote-objects host may still hold its wrapper of the
            // socket and write to it (a closed device ignores that). The socket, a child of
            // m_server, goes with the publisher.
            m_sockets.removeOne(socket);
            if (m_sockets.isEmpty())
                m_poll.stop();
        });
        m_host->addHostSideConnection(socket);
        // A host without a URL makes its source registry with the first external connection,
        // so remoting is enabled only now (once; later calls would fail).
        if (!m_remoting)
            m_remoting = m_host->enableRemoting(this);
        m_poll.start();
        Q_EMIT peerChecked(true);
    }
}

void InspectorPublisher::publishSoon()
{
    QMetaObject::invokeMethod(this, &InspectorPublisher::publish, Qt::QueuedConnection);
}

void InspectorPublisher::publish()
{
    if (m_sockets.isEmpty())
        return;
    const InterpreterActivity activity = m_probe ? m_probe() : InterpreterActivity{};
    const bool busy = activity.busySinceNs > 0 && steadyNowNs() - activity.busySinceNs > kBusyReportNs;
    setBusySinceNs(busy ? activity.busySinceNs : 0);
    setBusyLine(busy ? activity.line : 0);

    std::vector<TimerStatus> timers = m_manager ? m_manager->snapshot().timers : std::vector<TimerStatus>{};
    setLiveTimers(int(timers.size()));
    TimerDelta delta;
    delta.full = m_fullRequested;
    m_fullRequested = false;
    if (delta.full) {
        delta.changed = timers;
    } else {
        // Both lists are in id order: walk them together.
        auto old = m_published.cbegin();
        for (const TimerStatus &status : timers) {
            while (old != m_published.cend() && old->id < status.id)
                delta.removed.append((old++)->id);
            if (old != m_published.cend() && old->id == status.id) {
                if (TimerStatusCodec::differs(*old, status))
                    delta.changed.push_back(status);
                ++old;
            } else {
                delta.changed.push_back(status);
            }
        }
        for (; old != m_published.cend(); ++old)
            delta.removed.append(old->id);
        if (delta.changed.empty() && delta.removed.isEmpty())
            return; // nothing new: no traffic, no work for the inspectors
    }
    delta.sequence = ++m_sequence;
    m_published = std::move(timers);
    Q_EMIT timersChanged(TimerStatusCodec::encode(delta));
}

void InspectorPublisher::runFinished(int exitCode)
{
    publish();
    setExitCode(exitCode);
    for (QLocalSocket *socket : std::as_const(m_sockets)) {
        socket->flush();
        socket->waitForBytesWritten(200);
    }
}

void InspectorPublisher::requestFullSnapshot()
{
    m_fullRequested = true;
    publishSoon();
}

void InspectorPublisher::pauseTimer(quint64 id)
{
    if (m_manager && m_manager->pauseTimer(id))
        Q_EMIT timersControlled();
    publishSoon();
}

void InspectorPublisher::resumeTimer(quint64 id)
{
    if (m_manager && m_manager->resumeTimer(id))
        Q_EMIT timersControlled();
    publishSoon();
}

void InspectorPublisher::stopTimers(QList<quint64> ids)
{
    bool any = false;
    for (const quint64 id : ids)
        any |= m_manager && m_manager->stopTimer(id);
    if (any)
        Q_EMIT timersControlled();
    publishSoon();
}

} // namespace havel
