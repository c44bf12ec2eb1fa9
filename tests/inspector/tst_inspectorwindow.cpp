// InspectorWindow: the host's entry point. It loads the QML module from the resources, shows
// the live timers, grabs itself to a PNG offscreen and reports the user closing it.
#include "inspectorwindow.h"
#include "timerlistmodel.h"
#include "timermanager.h"

#include <QtGui/QImage>
#include <QtQuick/QQuickItem>
#include <QtQuick/QQuickWindow>
#include <QtTest/QSignalSpy>
#include <QtTest/QtTest>

#include <memory>

using namespace std::chrono_literals;
using havel::InspectorWindow;
using havel::TimerManager;
using havel::TimerOptions;

class tst_InspectorWindow : public QObject
{
    Q_OBJECT

private slots:
    void showsTheLiveTimers();
    void grabsToFile();
    void grabFailsOnUnwritablePath();
    void reportsClosing();
    void displayError_data();
    void displayError();

private:
    QObject m_context;
};

void tst_InspectorWindow::showsTheLiveTimers()
{
    TimerManager manager;
    manager.setInterval(&m_context, 20ms, [] {}, TimerOptions{QStringLiteral("tick.hv:1")});
    manager.setTimeout(&m_context, 1h, [] {}, TimerOptions{QStringLiteral("later.hv:2")});
    InspectorWindow inspector(&manager);
    QVERIFY(!inspector.window());
    QVERIFY2(inspector.show(), qPrintable(inspector.errorString()));
    QVERIFY(inspector.window());
    QVERIFY(QTest::qWaitForWindowExposed(inspector.window()));

    auto *list = inspector.window()->findChild<QQuickItem *>(QStringLiteral("timerList"));
    QVERIFY(list);
    QTRY_COMPARE(list->property("count").toInt(), 2);
    QTRY_VERIFY(inspector.model()->firesPerSecond() > 0);
    QVERIFY(inspector.show()); // a second call shows the same window
}

void tst_InspectorWindow::grabsToFile()
{
    TimerManager manager;
    for (int i = 0; i < 5; ++i)
        manager.setInterval(&m_context, 50ms, [] {}, TimerOptions{QStringLiteral("grab.hv:%1").arg(i)});
    InspectorWindow inspector(&manager);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("inspector.png"));

    // No show() first: grabToFile() creates the window itself, as `--screenshot` needs.
    QVERIFY2(inspector.grabToFile(path), qPrintable(inspector.errorString()));
    const QImage image(path);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= inspector.window()->width());
    QVERIFY(image.height() >= inspector.window()->height());
    // Not a blank frame: the rows and header put many colours on it.
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 7) {
        for (int x = 0; x < image.width(); x += 7)
            colours.insert(image.pixel(x, y));
    }
    QVERIFY2(colours.size() > 20, qPrintable(QString::number(colours.size())));
}

void tst_InspectorWindow::grabFailsOnUnwritablePath()
{
    TimerManager manager;
    InspectorWindow inspector(&manager);
    QVERIFY(!inspector.grabToFile(QStringLiteral("/nonexistent-dir/inspector.png")));
    QVERIFY(inspector.errorString().contains(QLatin1String("/nonexistent-dir/inspector.png")));
}

void tst_InspectorWindow::reportsClosing()
{
    TimerManager manager;
    InspectorWindow inspector(&manager);
    QVERIFY(inspector.show());
    QSignalSpy closed(&inspector, &InspectorWindow::closed);
    inspector.window()->close();
    QCOMPARE(closed.count(), 1);
    QVERIFY(!inspector.window()->isVisible());
}

void tst_InspectorWindow::displayError_data()
{
    QTest::addColumn<QByteArray>("platform");
    QTest::addColumn<QByteArray>("display");
    QTest::addColumn<QByteArray>("waylandDisplay");
    QTest::addColumn<bool>("fails");

    QTest::newRow("offscreen") << QByteArray("offscreen") << QByteArray() << QByteArray() << false;
    QTest::newRow("default, X") << QByteArray() << QByteArray(":0") << QByteArray() << false;
    QTest::newRow("default, Wayland") << QByteArray() << QByteArray() << QByteArray("wayland-0")
                                      << false;
    QTest::newRow("default, none") << QByteArray() << QByteArray() << QByteArray() << true;
    QTest::newRow("xcb, none") << QByteArray("xcb") << QByteArray() << QByteArray() << true;
}

void tst_InspectorWindow::displayError()
{
    QFETCH(QByteArray, platform);
    QFETCH(QByteArray, display);
    QFETCH(QByteArray, waylandDisplay);
    QFETCH(bool, fails);

    // The application is already up; only the environment check is under test here.
    const QByteArray names[] = {"QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"};
    const QByteArray values[] = {platform, display, waylandDisplay};
    QByteArray saved[3];
    bool wasSet[3];
    for (int i = 0; i < 3; ++i) {
        wasSet[i] = qEnvironmentVariableIsSet(names[i].constData());
        saved[i] = qgetenv(names[i].constData());
        if (values[i].isEmpty())
            qunsetenv(names[i].constData());
        else
            qputenv(names[i].constData(), values[i]);
    }
    const QString message = InspectorWindow::displayError(QStringLiteral("havel --inspector x.hv"));
    for (int i = 0; i < 3; ++i) {
        if (wasSet[i])
            qputenv(names[i].constData(), saved[i]);
        else
            qunsetenv(names[i].constData());
    }
    QCOMPARE(!message.isEmpty(), fails);
    if (fails) {
        QVERIFY(message.contains(QLatin1String("xvfb-run -a havel --inspector x.hv")));
        QVERIFY(message.contains(
                QLatin1String("QT_QPA_PLATFORM=offscreen havel --inspector x.hv --screenshot")));
    }
}

QTEST_MAIN(tst_InspectorWindow)
#include "tst_inspectorwindow.moc"
