#include "inspectorwindow.h"

#include "timerfiltermodel.h"
#include "timerlistmodel.h"

#include <QtCore/QEvent>
#include <QtGui/QGuiApplication>
#include <QtGui/QImage>
#include <QtGui/QPalette>
#include <QtQml/QQmlComponent>
#include <QtQml/QQmlEngine>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuick/QQuickWindow>

// The Havel.Inspector QML module is a static library; this pulls in its types and resources.
Q_IMPORT_QML_PLUGIN(Havel_InspectorPlugin)

namespace havel {

namespace {

constexpr auto kMainUrl = "qrc:/qt/qml/Havel/Inspector/Main.qml";

} // namespace

InspectorWindow::InspectorWindow(TimerManager *manager, QObject *parent)
    : QObject(parent),
      m_model(std::make_unique<TimerListModel>(manager)),
      m_filterModel(std::make_unique<TimerFilterModel>())
{
    m_filterModel->setSourceModel(m_model.get());
}

InspectorWindow::InspectorWindow(TimerSource *source, QObject *parent)
    : QObject(parent),
      m_model(std::make_unique<TimerListModel>(source)),
      m_filterModel(std::make_unique<TimerFilterModel>())
{
    m_filterModel->setSourceModel(m_model.get());
}

void InspectorWindow::setStatusText(const QString &text, bool alert)
{
    m_statusText = text;
    m_statusAlert = alert;
    if (m_window) {
        m_window->setProperty("statusText", text);
        m_window->setProperty("statusAlert", alert);
    }
}

InspectorWindow::~InspectorWindow()
{
    // The window's items hold the models: destroy it, then its engine, before them.
    m_window.reset();
    m_engine.reset();
}

bool InspectorWindow::show()
{
    if (m_window) {
        m_window->show();
        return true;
    }
    m_error.clear();
    if (!qobject_cast<QGuiApplication *>(QCoreApplication::instance())) {
        m_error = QStringLiteral("InspectorWindow::show: needs a QGuiApplication");
        return false;
    }
    // The palette follows the system's (Theme.qml reads it through SystemPalette); where there
    // is no desktop to ask (Xvfb, a bare X server), HAVEL_INSPECTOR_THEME=dark asks for the
    // dark variant the way a dark desktop would: through the application palette.
    if (qEnvironmentVariable("HAVEL_INSPECTOR_THEME") == QLatin1String("dark")) {
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(0x14, 0x17, 0x1c));
        dark.setColor(QPalette::WindowText, QColor(0xe6, 0xe9, 0xef));
        dark.setColor(QPalette::Base, QColor(0x1d, 0x21, 0x28));
        dark.setColor(QPalette::Text, QColor(0xe6, 0xe9, 0xef));
        dark.setColor(QPalette::Button, QColor(0x1d, 0x21, 0x28));
        dark.setColor(QPalette::ButtonText, QColor(0xe6, 0xe9, 0xef));
        QGuiApplication::setPalette(dark);
    }
    auto engine = std::make_unique<QQmlEngine>();
    // Qt 6.4 does not search the resource import path that qt_add_qml_module uses by default.
    engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
    QQmlComponent component(engine.get(), QUrl(QString::fromLatin1(kMainUrl)));
    std::unique_ptr<QObject> root(component.createWithInitialProperties({
            {QStringLiteral("timerModel"), QVariant::fromValue(m_model.get())},
            {QStringLiteral("filterModel"), QVariant::fromValue(m_filterModel.get())},
            {QStringLiteral("statusText"), m_statusText},
            {QStringLiteral("statusAlert"), m_statusAlert},
    }));
    if (!root) {
        m_error = QStringLiteral("InspectorWindow::show: cannot load %1: %2")
                          .arg(QString::fromLatin1(kMainUrl), component.errorString());
        return false;
    }
    auto *window = qobject_cast<QQuickWindow *>(root.get());
    if (!window) {
        m_error = QStringLiteral("InspectorWindow::show: %1 is not a Window")
                          .arg(QString::fromLatin1(kMainUrl));
        return false;
    }
    root.release();
    m_window.reset(window);
    m_engine = std::move(engine);
    // An event filter, not QQuickWindow::closing, whose QQuickCloseEvent is a private type.
    m_window->installEventFilter(this);
    m_window->show();
    return true;
}

bool InspectorWindow::grabToFile(const QString &path)
{
    if (!show())
        return false;
    // Show the state of this very moment, not that of the last poll or clock tick.
    m_model->refresh();
    QMetaObject::invokeMethod(m_window.get(), "syncClock");
    const QImage image = m_window->grabWindow();
    if (image.isNull()) {
        m_error = QStringLiteral("InspectorWindow::grabToFile: the window could not be rendered");
        return false;
    }
    if (!image.save(path)) {
        m_error = QStringLiteral("InspectorWindow::grabToFile: cannot write %1").arg(path);
        return false;
    }
    return true;
}

bool InspectorWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_window.get() && event->type() == QEvent::Close)
        Q_EMIT closed();
    return QObject::eventFilter(watched, event);
}

QString InspectorWindow::errorString() const
{
    return m_error;
}

QQuickWindow *InspectorWindow::window() const
{
    return m_window.get();
}

TimerListModel *InspectorWindow::model() const
{
    return m_model.get();
}

QString InspectorWindow::displayError(const QString &command)
{
    const QByteArray platform = qgetenv("QT_QPA_PLATFORM");
    const bool needsDisplay = platform.isEmpty() || platform.startsWith("xcb")
            || platform.startsWith("wayland");
    if (!needsDisplay || qEnvironmentVariableIsSet("DISPLAY")
        || qEnvironmentVariableIsSet("WAYLAND_DISPLAY")) {
        return {};
    }
    return QStringLiteral(
                   "the inspector needs a display, but neither DISPLAY nor WAYLAND_DISPLAY is set.\n"
                   "Run it headless in one of these ways:\n"
                   "  xvfb-run -a %1\n"
                   "  QT_QPA_PLATFORM=offscreen %1 --screenshot inspector.png")
            .arg(command);
}

} // namespace havel
