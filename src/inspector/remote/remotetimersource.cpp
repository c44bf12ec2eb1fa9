#include "remotetimersource.h"

#include "inspectendpoint.h"
#include "inspectlogging.h"
#include "rep_inspectorchannel_merged.h"
#include "timerstatuscodec.h"

#include <QtNetwork/QLocalSocket>
#include <QtRemoteObjects/QRemoteObjectNode>

#include <algorithm>

namespace havel {

RemoteTimerSource::RemoteTimerSource(QObject *parent) : TimerSource(parent) { }

RemoteTimerSource::~RemoteTimerSource()
{
    detach();
}

void RemoteTimerSource::attach(const QString &socketPath)
{
    detach();
    m_timers.clear();
    m_synced = false;
    ++m_serial;
    setState(State::Connecting);
    m_node = std::make_unique<QRemoteObjectNode>();
    auto *socket = new QLocalSocket(m_node.get());
    m_socket = socket;
    connect(socket, &QLocalSocket::connected, this, &RemoteTimerSource::onConnected);
    connect(socket, &QLocalSocket::disconnected, this, &RemoteTimerSource::onDisconnected);
    connect(socket, &QLocalSocket::errorOccurred, this, [this, socket, socketPath] {
        if (m_state == State::Connecting)
            setState(State::Refused, QStringLiteral("cannot connect to %1: %2")
                                             .arg(socketPath, socket->errorString()));
    });
    socket->connectToServer(socketPath);
}

void RemoteTimerSource::detach()
{
    if (m_socket)
        m_socket->disconnect(this);
    m_replica.reset();
    m_node.reset(); // owns the socket
}

void RemoteTimerSource::onConnected()
{
    // The server's credentials, as the server checks ours: a socket in our folder that another
    // user managed to bind would otherwise receive our clicks.
    QString why;
    const qint64 uid = InspectEndpoint::peerUid(int(m_socket->socketDescriptor()), &why);
    if (!InspectEndpoint::mayConnect(uid)) {
        m_socket->disconnect(this);
        m_socket->abort();
        setState(State::Refused, why.isEmpty()
                         ? QStringLiteral("the socket belongs to another user (uid %1)").arg(uid)
                         : why);
        return;
    }
    m_node->addClientSideConnection(m_socket);
    m_replica.reset(m_node->acquire<InspectorChannelReplica>());
    connect(m_replica.get(), &InspectorChannelReplica::timersChanged, this, &RemoteTimerSource::onDelta);
    connect(m_replica.get(), &QRemoteObjectReplica::initialized, this, [this] {
        m_replica->requestFullSnapshot();
    });
    connect(m_replica.get(), &InspectorChannelReplica::exitCodeChanged, this, [this] {
        if (exitCode() >= 0)
            setState(State::Ended);
    });
    const auto activityMoved = [this] { Q_EMIT changed(); };
    connect(m_replica.get(), &InspectorChannelReplica::busySinceNsChanged, this, activityMoved);
    connect(m_replica.get(), &InspectorChannelReplica::busyLineChanged, this, activityMoved);
}

void RemoteTimerSource::onDisconnected()
{
    if (m_state == State::Ended || m_state == State::Refused)
        return;
    if (exitCode() >= 0) {
        setState(State::Ended);
        return;
    }
    setState(State::Lost, QStringLiteral("the connection closed before the script ended: the "
                                         "process died or was killed"));
}

void RemoteTimerSource::onDelta(const QByteArray &bytes)
{
    TimerDelta delta;
    if (!TimerStatusCodec::decode(bytes, &delta)) {
        qCWarning(lcInspect, "RemoteTimerSource: a malformed update (%lld bytes); asking for a "
                             "full snapshot", qlonglong(bytes.size()));
        m_synced = false;
        m_replica->requestFullSnapshot();
        return;
    }
    if (!delta.full && (!m_synced || delta.sequence != m_sequence + 1)) {
        // Deltas sent before our full snapshot, or a gap: wait for (or ask for) a full one.
        if (m_synced) {
            m_synced = false;
            m_replica->requestFullSnapshot();
        }
        return;
    }
    apply(delta);
    m_sequence = delta.sequence;
    if (!m_synced) {
        m_synced = true;
        if (m_state == State::Connecting)
            setState(State::Attached);
    }
    ++m_serial;
    Q_EMIT changed();
}

void RemoteTimerSource::apply(const TimerDelta &delta)
{
    if (delta.full) {
        m_timers = delta.changed;
        return;
    }
    const auto byId = [](const TimerStatus &s, TimerId id) { return s.id < id; };
    for (const TimerId id : delta.removed) {
        const auto it = std::lower_bound(m_timers.begin(), m_timers.end(), id, byId);
        if (it != m_timers.end() && it->id == id)
            m_timers.erase(it);
    }
    for (const TimerStatus &status : delta.changed) {
        const auto it = std::lower_bound(m_timers.begin(), m_timers.end(), status.id, byId);
        if (it != m_timers.end() && it->id == status.id)
            *it = status;
        else
            m_timers.insert(it, status);
    }
}

void RemoteTimerSource::setState(State state, const QString &error)
{
    if (state == m_state && error == m_error)
        return;
    m_state = state;
    m_error = error;
    if (state == State::Lost || state == State::Refused)
        qCWarning(lcInspect, "RemoteTimerSource: %s", qPrintable(error));
    Q_EMIT stateChanged();
    Q_EMIT changed();
}

int RemoteTimerSource::exitCode() const
{
    return m_replica && m_replica->isInitialized() ? m_replica->exitCode() : -1;
}

qint64 RemoteTimerSource::pid() const
{
    return m_replica ? m_replica->pid() : 0;
}

QString RemoteTimerSource::name() const
{
    return m_replica ? m_replica->name() : QString();
}

QString RemoteTimerSource::scriptName() const
{
    return m_replica ? m_replica->scriptName() : QString();
}

int RemoteTimerSource::liveTimers() const
{
    return m_replica ? m_replica->liveTimers() : 0;
}

QString RemoteTimerSource::statusText() const
{
    const QString who = QStringLiteral("%1 (pid %2)").arg(scriptName()).arg(pid());
    switch (m_state) {
    case State::Connecting:
        return QStringLiteral("attaching\u2026");
    case State::Attached:
        return QStringLiteral("attached to %1").arg(who);
    case State::Ended:
        return QStringLiteral("%1 has ended, exit code %2; showing its last state")
                .arg(who)
                .arg(exitCode());
    case State::Lost:
        return QStringLiteral("%1 is gone: %2; showing its last state").arg(who, m_error);
    case State::Refused:
        return m_error;
    }
    return {};
}

TimerSnapshot RemoteTimerSource::snapshot() const
{
    return {m_serial, m_timers};
}

InterpreterActivity RemoteTimerSource::activity() const
{
    if (!m_replica || m_state != State::Attached)
        return {};
    return {m_replica->busySinceNs(), m_replica->busyLine(), m_replica->scriptName()};
}

bool RemoteTimerSource::knows(TimerId id) const
{
    const auto it = std::lower_bound(m_timers.begin(), m_timers.end(), id,
                                     [](const TimerStatus &s, TimerId id) { return s.id < id; });
    return m_state == State::Attached && it != m_timers.end() && it->id == id;
}

bool RemoteTimerSource::pauseTimer(TimerId id)
{
    if (!knows(id))
        return false;
    m_replica->pauseTimer(id);
    return true;
}

bool RemoteTimerSource::resumeTimer(TimerId id)
{
    if (!knows(id))
        return false;
    m_replica->resumeTimer(id);
    return true;
}

bool RemoteTimerSource::stopTimer(TimerId id)
{
    return stopTimers({id}) == 1;
}

int RemoteTimerSource::stopTimers(const QList<TimerId> &ids)
{
    QList<quint64> known;
    for (const TimerId id : ids) {
        if (knows(id))
            known.append(id);
    }
    if (!known.isEmpty())
        m_replica->stopTimers(known);
    return int(known.size());
}

} // namespace havel
