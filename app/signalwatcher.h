// SignalWatcher: turns SIGINT and SIGTERM into a Qt signal on the main thread.
//
// A POSIX signal handler may do almost nothing, so it only writes the signal number to a
// socket pair (the self-pipe trick); a QSocketNotifier on the other end reads it in the main
// thread's event loop, where a clean shutdown can start. Repeated signals are absorbed: the
// first one's shutdown is already under way, and the first exit code stands.
#pragma once

#include <QtCore/QObject>

QT_BEGIN_NAMESPACE
class QSocketNotifier;
QT_END_NAMESPACE

//! Thread: create and use on the main thread; at most one instance per process.
class SignalWatcher : public QObject
{
    Q_OBJECT

public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

Q_SIGNALS:
    //! SIGINT or SIGTERM arrived; @p signalNumber says which.
    void signalled(int signalNumber);

private:
    static void handle(int signalNumber);
    void readSignal();

    QSocketNotifier *m_notifier = nullptr;
    static int s_fds[2];
};
