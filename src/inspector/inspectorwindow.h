// InspectorWindow: the live timer inspector of one TimerManager, as a Qt Quick window.
//
// How a host uses it (the `havel --inspector [--screenshot FILE.png] script.hv` case; link
// Havel::Inspector, which brings the Havel.Inspector QML module and its resources along):
//
//     int main(int argc, char **argv)
//     {
//         // 1. Before any application object, and only with --inspector (plain runs need no
//         //    display): without one Qt would abort with "could not connect to display".
//         const QString problem = havel::InspectorWindow::displayError(
//                 QStringLiteral("havel --inspector script.hv"));
//         if (!problem.isEmpty()) {
//             fprintf(stderr, "havel: %s\n", qPrintable(problem));
//             return 64;                                  // usage error
//         }
//         QGuiApplication app(argc, argv);                // not QCoreApplication
//         app.setQuitOnLastWindowClosed(false);           // the run ends the loop, see 3.
//         havel::script::ScriptHost host;                 // owns the TimerManager
//
//         // 2. GUI thread; the script's interpreter thread is unaffected by the window.
//         havel::InspectorWindow inspector(host.timerManager());
//         if (!inspector.show()) {                        // loads Main.qml from the resources
//             fprintf(stderr, "havel: %s\n", qPrintable(inspector.errorString()));
//             return 70;
//         }
//         // 3. Closing the window ends the run cleanly, through the host's normal path.
//         QObject::connect(&inspector, &havel::InspectorWindow::closed, &host,
//                          [&host] { host.requestStop(0); });
//         QObject::connect(&host, &havel::script::ScriptHost::finished, &app,
//                          &QCoreApplication::exit, Qt::QueuedConnection);
//
//         // 4. --screenshot FILE.png: once the script has set up its timers (its top level has
//         //    run), wait about a second so fires/s have data, then grab and end the run.
//         QTimer::singleShot(1500, &inspector, [&] {
//             const bool ok = inspector.grabToFile(path);
//             if (!ok)
//                 fprintf(stderr, "havel: %s\n", qPrintable(inspector.errorString()));
//             host.requestStop(ok ? 0 : 70);
//         });
//         host.start(source, scriptName, exitWhenDone);
//         return app.exec();
//     }   // `inspector` is destroyed before `host` and its TimerManager: declare it after.
//
// The window never blocks on the script: it reads the manager through its any-thread observer
// interface (TimerManager::snapshot(), polled at 10 Hz on the GUI thread) and controls timers
// through the any-thread control calls, so a busy interpreter thread cannot freeze it.
#pragma once

#include <QtCore/QObject>
#include <QtCore/QString>

#include <memory>

QT_BEGIN_NAMESPACE
class QQmlEngine;
class QQuickWindow;
QT_END_NAMESPACE

namespace havel {

class TimerFilterModel;
class TimerListModel;
class TimerManager;
class TimerSource;

//! Creates, shows and grabs the inspector window for one TimerManager.
//!
//! Thread: GUI thread only (the thread of QGuiApplication); construct it there, after the
//! QGuiApplication (a QCoreApplication is not enough: show() then fails with a message). The manager may be driven from any other threads meanwhile, and must
//! outlive this object.
class InspectorWindow : public QObject
{
    Q_OBJECT

public:
    //! Prepares the models for @p manager; no window exists until show().
    explicit InspectorWindow(TimerManager *manager, QObject *parent = nullptr);
    //! Prepares the models for @p source (a remote process, say), which must outlive this.
    explicit InspectorWindow(TimerSource *source, QObject *parent = nullptr);
    //! Closes and destroys the window; leaves the manager and its timers alone.
    ~InspectorWindow() override;

    //! Creates the window from the Havel.Inspector QML module (compiled into the resources)
    //! and shows it. Returns false, with errorString() set, if the QML fails to load.
    //! Calling it again shows the existing window.
    bool show();
    //! Polls the manager, renders the window now and saves it to @p path (format from the
    //! suffix, PNG recommended). Shows the window first if needed. Works with
    //! QT_QPA_PLATFORM=offscreen. Returns false, with errorString() set, on failure.
    bool grabToFile(const QString &path);

    //! Why show() or grabToFile() failed.
    QString errorString() const;
    //! The window, or null before show().
    QQuickWindow *window() const;
    //! The unfiltered model the window shows.
    TimerListModel *model() const;
    //! A line the window shows above the table ("attached to demo.hv (pid 42)", "... has
    //! ended"); empty hides it. @p alert shows it as bad news. May be set before show().
    void setStatusText(const QString &text, bool alert = false);

    //! Call before constructing QGuiApplication. Empty if a window can be opened (a display is
    //! set, or QT_QPA_PLATFORM names a platform that needs none, such as offscreen); otherwise
    //! a message for the user that says how to run @p command headless (under xvfb-run, or
    //! offscreen with --screenshot).
    static QString displayError(const QString &command = QStringLiteral("havel --inspector script.hv"));

Q_SIGNALS:
    //! The user closed the window. The host should end the run.
    void closed();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    std::unique_ptr<TimerListModel> m_model;
    std::unique_ptr<TimerFilterModel> m_filterModel;
    std::unique_ptr<QQmlEngine> m_engine;
    std::unique_ptr<QQuickWindow> m_window;
    QString m_error;
    QString m_statusText;
    bool m_statusAlert = false;
};

} // namespace havel
