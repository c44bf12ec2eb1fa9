// HostWindow: a GUI Havel host. One window shows what the script's timers drive (a clock and
// a status line) beside the live timer inspector, in-process, as a panel of that window.
//
// The script runs on ScriptHost's interpreter thread, never on the GUI thread, so a busy
// script cannot freeze the window. What it prints is handed to the GUI thread as queued
// calls, and the window reads from it:
//   "clock N"    sets the clock to N seconds (the script's 1 s interval sends these);
//   other lines  become the status line; error reports too, marked as errors.
// The inspector panel reads the timer module through its any-thread observer interface.
#pragma once

#include <havel/scripthost.h>
#include <havel/timerfiltermodel.h>
#include <havel/timerlistmodel.h>

#include <QtCore/QObject>
#include <QtCore/QString>

#include <memory>

QT_BEGIN_NAMESPACE
class QQmlApplicationEngine;
class QQuickWindow;
QT_END_NAMESPACE

//! Runs one script and shows it. Thread: GUI thread only (after a QGuiApplication exists).
class HostWindow : public QObject
{
    Q_OBJECT
    Q_PROPERTY(int clockSeconds READ clockSeconds NOTIFY clockChanged)
    Q_PROPERTY(QString status READ status NOTIFY statusChanged)
    Q_PROPERTY(bool statusIsError READ statusIsError NOTIFY statusChanged)
    Q_PROPERTY(QString scriptName READ scriptName CONSTANT)
    Q_PROPERTY(bool running READ running NOTIFY runningChanged)

public:
    explicit HostWindow(const QString &scriptName, QObject *parent = nullptr);
    //! Destroys the window first, then stops the script and joins its thread.
    ~HostWindow() override;

    //! Loads the window and starts @p source. False, with errorString() set, if the QML fails.
    bool start(const QString &source);
    //! Ends the script (the window stays). Safe to call at any time.
    void stop(int exitCode = 0);

    int clockSeconds() const { return m_clockSeconds; }
    QString status() const { return m_status; }
    bool statusIsError() const { return m_statusIsError; }
    QString scriptName() const { return m_scriptName; }
    bool running() const { return m_running; }
    QString errorString() const { return m_error; }
    QQuickWindow *window() const { return m_window; }
    havel::TimerListModel *timerModel() const { return m_timerModel.get(); }

Q_SIGNALS:
    void clockChanged();
    void statusChanged();
    void runningChanged();
    //! The script's run is over, with its exit code (0, or 70 after an uncaught error).
    void finished(int exitCode);

private:
    void takeOutput(const QString &text, bool isError);

    const QString m_scriptName;
    // Declared in this order so that they are destroyed the other way round: the window and
    // its engine, then the models, then the host with its timer module.
    std::unique_ptr<havel::script::ScriptHost> m_host;
    std::unique_ptr<havel::TimerListModel> m_timerModel;
    std::unique_ptr<havel::TimerFilterModel> m_filterModel;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QQuickWindow *m_window = nullptr; // owned by m_engine
    QString m_pending; // a line printed in parts, until its newline comes
    int m_clockSeconds = 0;
    QString m_status;
    bool m_statusIsError = false;
    bool m_running = false;
    QString m_error;
};
