// The GUI host example's test: the script's timers drive the clock and the status line, the
// inspector panel lists the script's timers, a failing timer shows in the status line, and
// stopping the host ends the run. Runs offscreen (QT_QPA_PLATFORM=offscreen).
#include "hostwindow.h"

#include <QtCore/QFile>
#include <QtQuick/QQuickItem>
#include <QtQuick/QQuickWindow>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

namespace {
QString bundledScript()
{
    QFile file(QStringLiteral(":/qt/qml/HavelGuiHost/clock.hv"));
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}
} // namespace

//! Thread: the test's main (GUI) thread; the scripts run on their hosts' interpreter threads.
class tst_HostWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void clockAndStatusFollowTheScript();
    void errorsShowInTheStatusLine();
    void stopEndsTheRun();
};

void tst_HostWindow::clockAndStatusFollowTheScript()
{
    const QString source = bundledScript();
    QVERIFY(!source.isEmpty());
    HostWindow host(QStringLiteral("clock.hv"));
    QVERIFY2(host.start(source), qPrintable(host.errorString()));
    QVERIFY(host.window());

    // Generous: the clock ticks once a second; CI machines are busy.
    QTRY_VERIFY_WITH_TIMEOUT(host.clockSeconds() >= 2, 15'000);
    auto *clock = host.window()->findChild<QQuickItem *>(QStringLiteral("clockText"));
    QVERIFY(clock);
    QTRY_COMPARE(clock->property("text").toString(),
                 QStringLiteral("00:00:%1").arg(host.clockSeconds(), 2, 10, QLatin1Char('0')));
    QTRY_VERIFY_WITH_TIMEOUT(host.status().startsWith(QLatin1String("poll #")), 10'000);
    auto *status = host.window()->findChild<QQuickItem *>(QStringLiteral("statusText"));
    QVERIFY(status);
    QTRY_VERIFY(status->property("text").toString().contains(QLatin1String("timers live")));

    // The inspector panel is part of this window and lists the script's four timers.
    auto *panel = host.window()->findChild<QQuickItem *>(QStringLiteral("inspectorPanel"));
    QVERIFY(panel);
    QVERIFY(panel->width() > 600);
    auto *statusCaption = host.window()->findChild<QQuickItem *>(QStringLiteral("statusCaption"));
    QVERIFY(statusCaption);
    QCOMPARE(statusCaption->property("text").toString(), QStringLiteral("Status"));
    QTRY_COMPARE(host.timerModel()->rowCount(), 4);
    QTRY_COMPARE(host.timerModel()->pausedCount(), 1);
    QVERIFY(!host.window()->grabWindow().isNull());
}

void tst_HostWindow::errorsShowInTheStatusLine()
{
    HostWindow host(QStringLiteral("failing.hv"));
    QVERIFY2(host.start(QStringLiteral("timeout 50 { throw \"sensor offline\" }\n")),
             qPrintable(host.errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(host.statusIsError(), 10'000);
    QVERIFY2(host.status().contains(QLatin1String("sensor offline")), qPrintable(host.status()));
}

void tst_HostWindow::stopEndsTheRun()
{
    HostWindow host(QStringLiteral("clock.hv"));
    QSignalSpy finished(&host, &HostWindow::finished);
    QVERIFY2(host.start(bundledScript()), qPrintable(host.errorString()));
    QVERIFY(host.running());
    QTRY_VERIFY_WITH_TIMEOUT(host.clockSeconds() >= 1, 15'000);
    host.stop(0);
    QVERIFY(finished.wait(10'000));
    QCOMPARE(finished.front().front().toInt(), 0);
    QVERIFY(!host.running());
}

QTEST_MAIN(tst_HostWindow)
#include "tst_hostwindow.moc"
