// RemoteTimerSource: the timers of a `havel --inspect` process, as a TimerSource.
//
// It connects to the process's socket, checks that the process at the other end belongs to
// the same user, and acquires its InspectorChannel replica over that connection. Deltas from
// the channel update a mirror of the live timers (in id order); TimerListModel polls the mirror
// like it polls a local TimerManager, so both windows share one model, one diff and one set of
// tests. Controls become slot calls on the replica.
//
// Why not QAbstractItemModelReplica: it fetches rows lazily and keeps a bounded cache, while
// the inspector's proxy sorts every row by numeric roles (next fire, fires/s) and the header
// sums all of them. Over a model replica each sort would read rows that are not fetched yet
// (empty values, a wrong order, then a re-sort when they arrive), and the header figures would
// need a second channel anyway. A mirror fed by deltas gives the whole table at once and sends
// nothing while nothing changes.
#pragma once

#include "timersource.h"

#include <QtCore/QPointer>

#include <memory>
#include <vector>

QT_BEGIN_NAMESPACE
class QLocalSocket;
class QRemoteObjectNode;
QT_END_NAMESPACE

class InspectorChannelReplica;

namespace havel {

struct TimerDelta;

//! The timers of another process, mirrored over the inspector channel.
//!
//! Thread: GUI thread (where the model is); all its work happens in that thread's event loop.
class RemoteTimerSource : public TimerSource
{
    Q_OBJECT
    Q_PROPERTY(State state READ state NOTIFY stateChanged)

public:
    enum class State {
        Connecting, //!< the socket or the channel is not up yet
        Attached,   //!< the mirror follows the process
        Ended,      //!< the script finished; exitCode() says how
        Lost,       //!< the connection broke without the run ending: the process died or quit
        Refused,    //!< the socket could not be opened, or its owner is another user
    };
    Q_ENUM(State)

    explicit RemoteTimerSource(QObject *parent = nullptr);
    ~RemoteTimerSource() override;

    //! Connects to the socket at @p socketPath. Progress shows in state().
    void attach(const QString &socketPath);
    //! Closes the connection; the process and its timers are left as they are.
    void detach();

    State state() const { return m_state; }
    //! Why the state is Lost or Refused.
    QString errorString() const { return m_error; }
    //! The script's exit code once state() is Ended, else -1.
    int exitCode() const;
    qint64 pid() const;
    QString name() const;
    QString scriptName() const;
    //! The number of live timers the process reported last.
    int liveTimers() const;
    //! A line for the user about the state ("attached to demo.hv (pid 123)", "... ended ...").
    QString statusText() const;

    TimerSnapshot snapshot() const override;
    quint64 changeSerial() const override { return m_serial; }
    InterpreterActivity activity() const override;
    bool pauseTimer(TimerId id) override;
    bool resumeTimer(TimerId id) override;
    bool stopTimer(TimerId id) override;
    int stopTimers(const QList<TimerId> &ids) override;

Q_SIGNALS:
    void stateChanged();

private:
    void onConnected();
    void onDisconnected();
    void onDelta(const QByteArray &bytes);
    void apply(const TimerDelta &delta);
    void setState(State state, const QString &error = {});
    bool knows(TimerId id) const;

    std::unique_ptr<QRemoteObjectNode> m_node;
    QPointer<QLocalSocket> m_socket;
    std::unique_ptr<InspectorChannelReplica> m_replica;
    State m_state = State::Connecting;
    QString m_error;
    std::vector<TimerStatus> m_timers; // the mirror, in id order
    quint64 m_sequence = 0;            // of the last delta applied
    bool m_synced = false;             // a full snapshot has arrived
    quint64 m_serial = 1;
};

} // namespace havel
