#include "hostwindow.h"

#include <havel/inspectormodule.h>

#include <QtCore/QMetaObject>
#include <QtQml/QQmlApplicationEngine>
#include <QtQuick/QQuickWindow>

HostWindow::HostWindow(const QString &scriptName, QObject *parent)
    : QObject(parent),
      m_scriptName(scriptName),
      m_host(std::make_unique<havel::script::ScriptHost>()),
      m_timerModel(std::make_unique<havel::TimerListModel>(m_host->timerManager())),
      m_filterModel(std::make_unique<havel::TimerFilterModel>())
{
    m_filterModel->setSourceModel(m_timerModel.get());
    // Called on the interpreter thread: hand the text over to this object's thread.
    m_host->setOutput(
            [this](const QString &text) {
                QMetaObject::invokeMethod(this, [this, text] { takeOutput(text, false); },
                                          Qt::QueuedConnection);
            },
            [this](const QString &text) {
                QMetaObject::invokeMethod(this, [this, text] { takeOutput(text, true); },
                                          Qt::QueuedConnection);
            });
    connect(m_host.get(), &havel::script::ScriptHost::finished, this, [this](int exitCode) {
        m_running = false;
        Q_EMIT runningChanged();
        Q_EMIT finished(exitCode);
    });
    // The inspector's Pause/Stop buttons change timers behind the script's back: tell it, so
    // that the script's exit rule and its handles see the change.
    connect(m_timerModel.get(), &havel::TimerListModel::timersControlled, m_host.get(),
            &havel::script::ScriptHost::timersChangedElsewhere);
}

HostWindow::~HostWindow()
{
    // The window and the models read the timer module: they go first. The host then stops
    // the script and joins its thread; output calls still queued die with this object.
    m_engine.reset();
    m_filterModel.reset();
    m_timerModel.reset();
    m_host.reset();
}

bool HostWindow::start(const QString &source)
{
    m_engine = std::make_unique<QQmlApplicationEngine>();
    // `import Havel.Inspector` in Main.qml: the module comes compiled into libhavel-inspector.
    havel::addInspectorModule(m_engine.get());
    m_engine->setInitialProperties({
            {QStringLiteral("host"), QVariant::fromValue(static_cast<QObject *>(this))},
            {QStringLiteral("timerModel"), QVariant::fromValue(m_timerModel.get())},
            {QStringLiteral("filterModel"), QVariant::fromValue(m_filterModel.get())},
    });
    QString warnings;
    connect(m_engine.get(), &QQmlApplicationEngine::warnings, this,
            [&warnings](const QList<QQmlError> &errors) {
                for (const QQmlError &error : errors)
                    warnings += error.toString() + u'\n';
            });
    m_engine->load(QUrl(QStringLiteral("qrc:/qt/qml/HavelGuiHost/Main.qml")));
    const QList<QObject *> roots = m_engine->rootObjects();
    m_window = roots.isEmpty() ? nullptr : qobject_cast<QQuickWindow *>(roots.front());
    if (!m_window) {
        m_error = QStringLiteral("cannot load the window: %1").arg(warnings.trimmed());
        return false;
    }
    m_running = true;
    Q_EMIT runningChanged();
    m_host->start(source, m_scriptName, false);
    return true;
}

void HostWindow::stop(int exitCode)
{
    m_host->requestStop(exitCode);
}

void HostWindow::takeOutput(const QString &text, bool isError)
{
    m_pending += text;
    qsizetype newline;
    while ((newline = m_pending.indexOf(u'\n')) >= 0) {
        const QString line = m_pending.left(newline);
        m_pending.remove(0, newline + 1);
        bool isNumber = false;
        const int seconds = line.startsWith(QLatin1String("clock "))
                ? line.mid(6).toInt(&isNumber)
                : 0;
        if (!isError && isNumber) {
            m_clockSeconds = seconds;
            Q_EMIT clockChanged();
        } else if (!line.isEmpty()) {
            m_status = line;
            m_statusIsError = isError;
            Q_EMIT statusChanged();
        }
    }
}
