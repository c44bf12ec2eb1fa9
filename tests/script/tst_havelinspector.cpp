// End-to-end tests of `havel --inspector`: the real havel binary opens the timer inspector
// (offscreen, or in a real X window under an Xvfb the test starts itself), --screenshot
// grabs it once the script has set up its timers, and the run ends cleanly when the window
// closes, when the script ends, on a signal, and with a clear message when there is no
// display.
#include "signalshutdown.h"

#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFileInfo>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTemporaryFile>
#include <QtGui/QImage>
#include <QtTest/QTest>

#include <csignal>
#include <set>

#ifdef HAVEL_TEST_XCB
#include <xcb/xcb.h>
#endif

namespace {

constexpr int kWindowWidth = 1280; // qml/Main.qml
constexpr int kWindowHeight = 640;

struct Run
{
    int exitCode = -1;
    QProcess::ExitStatus exitStatus = QProcess::CrashExit;
    QString out;
    QString err;
    qint64 elapsedMs = 0;
};

} // namespace

//! Thread: the test's main thread; havel runs as a child process.
class tst_HavelInspector : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void screenshotOfDemo();
    void screenshotOfScript_data();
    void screenshotOfScript();
    void screenshotOfFailedScript();
    void usageErrors_data();
    void usageErrors();
    void noDisplay_data();
    void noDisplay();
    void headlessRunNeedsNoDisplay();
    void scriptEndEndsRun();
    void signalEndsRun_data();
    void signalEndsRun();
    void closingWindow_data();
    void closingWindow();
    void cleanupTestCase();

private:
    //! The environment for havel: offscreen, and a private runtime dir so that Qt has nothing
    //! to warn about on stderr.
    QProcessEnvironment offscreenEnvironment() const;
    Run runHavel(const QStringList &args, const QProcessEnvironment &environment);
    QString path(const QString &name) const { return m_dir.filePath(name); }

    //! Starts an Xvfb for the tests that need a real X window, once; false if it cannot.
    bool startXvfb();

    QTemporaryDir m_dir;
    QProcess m_xvfb;
    QByteArray m_display; // ":N" once Xvfb runs
};

void tst_HavelInspector::initTestCase()
{
    QVERIFY2(QFileInfo::exists(QStringLiteral(HAVEL_BINARY)), HAVEL_BINARY);
    QVERIFY(m_dir.isValid());
    QVERIFY(QDir(m_dir.path()).mkdir(QStringLiteral("runtime")));
    QVERIFY(QFile::setPermissions(path(QStringLiteral("runtime")),
                                  QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
}

QProcessEnvironment tst_HavelInspector::offscreenEnvironment() const
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    environment.insert(QStringLiteral("XDG_RUNTIME_DIR"), path(QStringLiteral("runtime")));
    return environment;
}

Run tst_HavelInspector::runHavel(const QStringList &args, const QProcessEnvironment &environment)
{
    Run run;
    QProcess havel;
    havel.setProcessEnvironment(environment);
    QElapsedTimer clock;
    clock.start();
    havel.start(QStringLiteral(HAVEL_BINARY), args);
    if (!havel.waitForStarted() || !havel.waitForFinished(60'000)) {
        havel.kill();
        havel.waitForFinished();
        run.err = QStringLiteral("havel did not start or did not finish: ") + havel.errorString();
        return run;
    }
    run.elapsedMs = clock.elapsed();
    run.exitCode = havel.exitCode();
    run.exitStatus = havel.exitStatus();
    run.out = QString::fromUtf8(havel.readAllStandardOutput());
    run.err = QString::fromUtf8(havel.readAllStandardError());
    return run;
}

static QString describe(const Run &run)
{
    return QStringLiteral("exit %1 after %2 ms\n--- stdout:\n%3--- stderr:\n%4")
            .arg(run.exitCode)
            .arg(run.elapsedMs)
            .arg(run.out, run.err);
}

//! How many distinct colours @p image has: a blank or failed render has one or two.
static int colourCount(const QImage &image)
{
    std::set<QRgb> colours;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x)
            colours.insert(image.pixel(x, y));
    }
    return int(colours.size());
}

//! How many pixels differ between @p a and @p b in rows [top, bottom).
static int differingPixels(const QImage &a, const QImage &b, int top, int bottom)
{
    int count = 0;
    for (int y = top; y < bottom; ++y) {
        for (int x = 0; x < a.width(); ++x)
            count += a.pixel(x, y) != b.pixel(x, y);
    }
    return count;
}

//! Loads @p file and checks it is a whole, non-blank inspector window.
static void verifyInspectorPicture(const QString &file, QImage *image)
{
    QVERIFY2(QFileInfo::exists(file), qPrintable(file));
    QVERIFY2(image->load(file), qPrintable(file));
    QCOMPARE(image->size(), QSize(kWindowWidth, kWindowHeight));
    const int colours = colourCount(*image);
    QVERIFY2(colours > 50, qPrintable(QStringLiteral("only %1 colours: blank?").arg(colours)));
}

void tst_HavelInspector::screenshotOfDemo()
{
    const QString demoPicture = path(QStringLiteral("demo.png"));
    const Run run = runHavel({QStringLiteral("--inspector"), QStringLiteral("--screenshot"), demoPicture,
                              QStringLiteral(HAVEL_DEMO_SCRIPT)},
                             offscreenEnvironment());
    QVERIFY2(run.exitStatus == QProcess::NormalExit && run.exitCode == 0, qPrintable(describe(run)));
    // The grab followed the end of the script body (bodyFinished), not a long fixed delay,
    // and the run ended there: the demo would go on for 1.8 s by itself.
    QVERIFY2(run.out.contains(QLatin1String("script body done")), qPrintable(describe(run)));
    QVERIFY2(!run.out.contains(QLatin1String("cleanupAllTimers")), qPrintable(describe(run)));
    // Nothing on stderr but the demo's own failing timer, if it came due before the grab.
    static const QRegularExpression flaky(QStringLiteral(
            R"(^(\[line \d+\] RuntimeError in timer \d+: flaky sensor read failed \(attempt \d\)\n)*$)"));
    QVERIFY2(flaky.match(run.err).hasMatch(), qPrintable(describe(run)));
    QImage demo;
    verifyInspectorPicture(demoPicture, &demo);

    // The same window with no timers: the demo's picture must show rows where this one has
    // none (the table starts below the header, filter bar and column titles, at y = 170).
    const QString emptyPicture = path(QStringLiteral("empty.png"));
    const Run empty = runHavel({QStringLiteral("--inspector"), QStringLiteral("--screenshot"), emptyPicture,
                                QStringLiteral("-e"), QStringLiteral("print \"no timers\"")},
                               offscreenEnvironment());
    QVERIFY2(empty.exitCode == 0, qPrintable(describe(empty)));
    QImage none;
    verifyInspectorPicture(emptyPicture, &none);
    const int rowPixels = differingPixels(demo, none, 170, 470);
    QVERIFY2(rowPixels > 20'000,
             qPrintable(QStringLiteral("the rows differ from an empty inspector in only %1 pixels")
                                .arg(rowPixels)));
    qInfo("demo.hv screenshot taken %lld ms after start; rows differ from empty in %d pixels",
          run.elapsedMs, rowPixels);
}

void tst_HavelInspector::screenshotOfScript_data()
{
    QTest::addColumn<QString>("script");
    QTest::addColumn<QString>("stdoutContains");
    QTest::addColumn<QString>("stderrContains");

    // No --inspector in these runs: --screenshot asks for it.
    // A script that ends before the picture is due still gets one (of the empty window), and
    // a note says why it shows no timers.
    QTest::newRow("script ends first") << "print \"done\"" << "done" << "it shows no live timers";
    // The interpreter thread never comes back from a callback; the window, on the main
    // thread, still renders, and the stop request unwinds the loop.
    QTest::newRow("busy callback")
            << "setInterval(() => null, 100)\ninterval 10 { print \"busy\"; while true { } }\n"
            << "busy" << "";
    // The body never ends, so bodyFinished never comes: after a while the picture is taken
    // anyway, of the timers set up so far.
    QTest::newRow("busy body") << "setInterval(() => null, 100)\nprint \"busy\"\nwhile true { }\n"
                               << "busy" << "the script body is still running after 5 s";
}

void tst_HavelInspector::screenshotOfScript()
{
    QFETCH(QString, script);
    QFETCH(QString, stdoutContains);
    QFETCH(QString, stderrContains);

    const QString picture = path(QStringLiteral("%1.png").arg(QString::fromLatin1(QTest::currentDataTag())));
    const Run run = runHavel({QStringLiteral("--screenshot"), picture, QStringLiteral("-e"), script},
                             offscreenEnvironment());
    QVERIFY2(run.exitStatus == QProcess::NormalExit && run.exitCode == 0, qPrintable(describe(run)));
    QVERIFY2(run.out.contains(stdoutContains), qPrintable(describe(run)));
    QVERIFY2(run.err.contains(stderrContains), qPrintable(describe(run)));
    if (stderrContains.isEmpty())
        QVERIFY2(run.err.isEmpty(), qPrintable(describe(run)));
    QVERIFY2(run.elapsedMs < 20'000, qPrintable(describe(run)));
    QImage image;
    verifyInspectorPicture(picture, &image);
}

void tst_HavelInspector::screenshotOfFailedScript()
{
    // A failed run gets no picture: its exit code and error are what matter.
    const QString picture = path(QStringLiteral("failed.png"));
    const Run run = runHavel({QStringLiteral("--screenshot"), picture, QStringLiteral("-e"),
                              QStringLiteral("print (")},
                             offscreenEnvironment());
    QVERIFY2(run.exitCode == 65, qPrintable(describe(run)));
    QVERIFY2(run.err.contains(QLatin1String("Expect expression")), qPrintable(describe(run)));
    QVERIFY2(run.err.contains(QLatin1String("no screenshot was saved")), qPrintable(describe(run)));
    QVERIFY(!QFileInfo::exists(picture));
}

void tst_HavelInspector::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("stderrContains");

    const QString script = QStringLiteral(HAVEL_DEMO_SCRIPT);
    QTest::newRow("screenshot without file") << QStringList{script, "--screenshot"}
                                             << "Missing value after '--screenshot'";
    QTest::newRow("screenshot, empty file") << QStringList{"--screenshot", "", script}
                                            << "--screenshot needs a file name";
    QTest::newRow("screenshot, no image suffix") << QStringList{"--screenshot", "out.txt", script}
                                                 << "name a .png file";
    QTest::newRow("screenshot, missing folder") << QStringList{"--screenshot", "/nonexistent/x.png", script}
                                                << "the folder '/nonexistent' does not exist";
    QTest::newRow("delay without screenshot") << QStringList{"--inspector", "--screenshot-delay", "100", script}
                                              << "--screenshot-delay goes with --screenshot";
    QTest::newRow("delay not a number") << QStringList{"--screenshot", "x.png", "--screenshot-delay", "1s", script}
                                        << "'1s' is not a number of milliseconds";
    QTest::newRow("inspector, no script") << QStringList{"--inspector"} << "no script given";
}

void tst_HavelInspector::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, stderrContains);

    QProcessEnvironment environment = offscreenEnvironment();
    const Run run = runHavel(args, environment);
    QVERIFY2(run.exitStatus == QProcess::NormalExit && run.exitCode == 64, qPrintable(describe(run)));
    QVERIFY2(run.err.contains(stderrContains), qPrintable(describe(run)));
    QVERIFY2(run.err.count(u'\n') <= 2, qPrintable(describe(run)));
    QVERIFY2(run.out.isEmpty(), qPrintable(describe(run)));
}

void tst_HavelInspector::noDisplay_data()
{
    QTest::addColumn<QStringList>("args");

    QTest::newRow("--inspector") << QStringList{"--inspector", HAVEL_DEMO_SCRIPT};
    QTest::newRow("--screenshot") << QStringList{"--screenshot", "x.png", HAVEL_DEMO_SCRIPT};
    QTest::newRow("--inspector -e") << QStringList{"--inspector", "-e", "print 1"};
}

void tst_HavelInspector::noDisplay()
{
    QFETCH(QStringList, args);

    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("DISPLAY"));
    environment.remove(QStringLiteral("WAYLAND_DISPLAY"));
    environment.remove(QStringLiteral("QT_QPA_PLATFORM"));
    const Run run = runHavel(args, environment);
    // A usage error with advice, not Qt's abort ("could not connect to display", a core dump).
    QVERIFY2(run.exitStatus == QProcess::NormalExit && run.exitCode == 64, qPrintable(describe(run)));
    QVERIFY2(run.err.startsWith(QLatin1String("havel: the inspector needs a display")),
             qPrintable(describe(run)));
    QVERIFY2(run.err.contains(QLatin1String("xvfb-run -a havel --inspector ")), qPrintable(describe(run)));
    QVERIFY2(run.err.contains(QLatin1String("QT_QPA_PLATFORM=offscreen havel --inspector ")),
             qPrintable(describe(run)));
    QVERIFY2(run.err.contains(QLatin1String("--screenshot inspector.png")), qPrintable(describe(run)));
    if (!args.contains(QLatin1String("-e")))
        QVERIFY2(run.err.contains(QStringLiteral(HAVEL_DEMO_SCRIPT)), qPrintable(describe(run)));
    QVERIFY2(run.out.isEmpty(), qPrintable(describe(run))); // the script did not run
    QVERIFY(!QFileInfo::exists(QStringLiteral("x.png")));
}

void tst_HavelInspector::headlessRunNeedsNoDisplay()
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("DISPLAY"));
    environment.remove(QStringLiteral("WAYLAND_DISPLAY"));
    environment.remove(QStringLiteral("QT_QPA_PLATFORM"));
    const Run run = runHavel({QStringLiteral("-e"), QStringLiteral("setTimeout(() => print(\"ran\"), 10)")},
                             environment);
    QVERIFY2(run.exitCode == 0 && run.out == QLatin1String("ran\n") && run.err.isEmpty(),
             qPrintable(describe(run)));
}

void tst_HavelInspector::scriptEndEndsRun()
{
    // The window is only a view on the run: when the script's timers are done, havel exits
    // with the script's code, as without --inspector.
    const Run ok = runHavel({QStringLiteral("--inspector"), QStringLiteral("-e"),
                             QStringLiteral("setTimeout(() => print(\"done\"), 300)")},
                            offscreenEnvironment());
    QVERIFY2(ok.exitCode == 0 && ok.out == QLatin1String("done\n") && ok.err.isEmpty(),
             qPrintable(describe(ok)));
    const Run failed = runHavel({QStringLiteral("--inspector"), QStringLiteral("-e"),
                                 QStringLiteral("timeout 100 { exit(3) }")},
                                offscreenEnvironment());
    QVERIFY2(failed.exitCode == 3, qPrintable(describe(failed)));
}

void tst_HavelInspector::signalEndsRun_data()
{
    QTest::addColumn<int>("signalNumber");
    QTest::newRow("SIGINT") << SIGINT;
    QTest::newRow("SIGTERM") << SIGTERM;
}

void tst_HavelInspector::signalEndsRun()
{
    QFETCH(int, signalNumber);

    QProcess havel;
    havel.setProcessEnvironment(offscreenEnvironment());
    havel.start(QStringLiteral(HAVEL_BINARY),
                {QStringLiteral("--inspector"), QStringLiteral("-e"),
                 QStringLiteral("for i in 1..50 { setInterval(() => null, 5) }\n"
                                "timeout 50 { print \"ready\" }\n")});
    expectCleanShutdownOnSignal(havel, signalNumber);
}

#ifdef HAVEL_TEST_XCB
//! The top-level window whose _NET_WM_NAME contains @p title, or XCB_WINDOW_NONE.
static xcb_window_t findWindow(xcb_connection_t *connection, xcb_atom_t nameAtom, const QByteArray &title)
{
    const xcb_screen_t *screen = xcb_setup_roots_iterator(xcb_get_setup(connection)).data;
    xcb_query_tree_reply_t *tree =
            xcb_query_tree_reply(connection, xcb_query_tree(connection, screen->root), nullptr);
    if (!tree)
        return XCB_WINDOW_NONE;
    xcb_window_t found = XCB_WINDOW_NONE;
    const xcb_window_t *children = xcb_query_tree_children(tree);
    for (int i = 0; i < xcb_query_tree_children_length(tree) && found == XCB_WINDOW_NONE; ++i) {
        xcb_get_property_reply_t *name = xcb_get_property_reply(
                connection,
                xcb_get_property(connection, 0, children[i], nameAtom, XCB_GET_PROPERTY_TYPE_ANY, 0, 256),
                nullptr);
        if (!name)
            continue;
        const QByteArray value(static_cast<const char *>(xcb_get_property_value(name)),
                               xcb_get_property_value_length(name));
        if (value.contains(title))
            found = children[i];
        free(name);
    }
    free(tree);
    return found;
}

static xcb_atom_t atom(xcb_connection_t *connection, const char *name)
{
    xcb_intern_atom_reply_t *reply = xcb_intern_atom_reply(
            connection, xcb_intern_atom(connection, 0, uint16_t(qstrlen(name)), name), nullptr);
    const xcb_atom_t result = reply ? reply->atom : xcb_atom_t(XCB_ATOM_NONE);
    free(reply);
    return result;
}
#endif

bool tst_HavelInspector::startXvfb()
{
#ifdef HAVEL_TEST_XCB
    if (!m_display.isEmpty())
        return true;
    const QString xvfbBinary = QStandardPaths::findExecutable(QStringLiteral("Xvfb"));
    if (xvfbBinary.isEmpty())
        return false;
    // -displayfd: Xvfb picks a free display and writes its number to stdout once it is ready.
    // -noreset: no server reset when the last client leaves, which refuses the next test's
    // connections for a moment.
    m_xvfb.start(xvfbBinary, {QStringLiteral("-displayfd"), QStringLiteral("1"), QStringLiteral("-noreset"),
                              QStringLiteral("-screen"), QStringLiteral("0"), QStringLiteral("1280x900x24"),
                              QStringLiteral("-nolisten"), QStringLiteral("tcp")});
    if (!m_xvfb.waitForStarted())
        return false;
    QByteArray displayNumber;
    QElapsedTimer clock;
    clock.start();
    while (!displayNumber.contains('\n') && clock.elapsed() < 20'000 && m_xvfb.state() == QProcess::Running) {
        m_xvfb.waitForReadyRead(1000);
        displayNumber += m_xvfb.readAllStandardOutput();
    }
    if (!displayNumber.contains('\n'))
        return false;
    m_display = ':' + displayNumber.trimmed();
    return true;
#else
    return false;
#endif
}

void tst_HavelInspector::cleanupTestCase()
{
    if (m_xvfb.state() != QProcess::NotRunning) {
        m_xvfb.terminate();
        if (!m_xvfb.waitForFinished(5000))
            m_xvfb.kill();
        m_xvfb.waitForFinished();
    }
}

void tst_HavelInspector::closingWindow_data()
{
    QTest::addColumn<QString>("script");
    QTest::addColumn<QByteArray>("titleBeforeClosing");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("stderrContains");

    // The timers would run for ever: closing the window stops them and ends the run with 0.
    QTest::newRow("timers running")
            << "n = 0\ninterval 20 { n++ }\nsetInterval(() => null, 100)\nprint \"ready\"\n"
            << QByteArray("<eval> \xe2\x80\x94 Havel timer inspector") << 0 << "";
    // The script ends by itself: the window stays open on its final state, says so in its
    // title, and closing it ends havel with the script's own exit code.
    QTest::newRow("script finished")
            << "print \"ready\"\ntimeout 200 { exit(3) }\n"
            << QByteArray("<eval> \xe2\x80\x94 finished, exit code 3") << 3
            << "havel: the script has finished (exit code 3); close the inspector window to exit\n";
}

void tst_HavelInspector::closingWindow()
{
#ifndef HAVEL_TEST_XCB
    QSKIP("built without libxcb headers: cannot close a window the way a window manager does");
#else
    QFETCH(QString, script);
    QFETCH(QByteArray, titleBeforeClosing);
    QFETCH(int, exitCode);
    QFETCH(QString, stderrContains);

    // A real X window (Xvfb, no window manager): the test closes it as a window manager
    // would, with a WM_DELETE_WINDOW message.
    if (!startXvfb())
        QSKIP("Xvfb is not installed (Debian: xvfb) or did not start");
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("QT_QPA_PLATFORM"));
    environment.remove(QStringLiteral("WAYLAND_DISPLAY"));
    environment.insert(QStringLiteral("DISPLAY"), QString::fromLatin1(m_display));
    environment.insert(QStringLiteral("XDG_RUNTIME_DIR"), path(QStringLiteral("runtime")));
    // In sanitizer builds: on X11, Mesa's GL driver and libdbus leak a few blocks that
    // LeakSanitizer cannot name (the driver is unloaded by then). havel's own teardown is
    // leak-checked by the offscreen cases above.
    environment.insert(QStringLiteral("ASAN_OPTIONS"),
                       environment.value(QStringLiteral("ASAN_OPTIONS")) + QStringLiteral(":detect_leaks=0"));
    QProcess havel;
    havel.setProcessEnvironment(environment);
    havel.start(QStringLiteral(HAVEL_BINARY), {QStringLiteral("--inspector"), QStringLiteral("-e"), script});
    QVERIFY2(havel.waitForStarted(), qPrintable(havel.errorString()));
    const auto killHavel = qScopeGuard([&havel] {
        if (havel.state() != QProcess::NotRunning) {
            havel.kill();
            havel.waitForFinished();
        }
    });

    xcb_connection_t *connection = xcb_connect(m_display.constData(), nullptr);
    QVERIFY2(connection && !xcb_connection_has_error(connection),
             qPrintable(QStringLiteral("cannot connect to Xvfb on %1: xcb error %2, Xvfb %3")
                                .arg(QString::fromLatin1(m_display))
                                .arg(xcb_connection_has_error(connection))
                                .arg(m_xvfb.state() == QProcess::Running ? QStringLiteral("running")
                                                                         : QString::fromUtf8(m_xvfb.readAllStandardError()))));
    const auto disconnect = qScopeGuard([connection] { xcb_disconnect(connection); });
    const xcb_atom_t netWmName = atom(connection, "_NET_WM_NAME");
    xcb_window_t window = XCB_WINDOW_NONE;
    QByteArray errSoFar;
    QTRY_VERIFY2_WITH_TIMEOUT((window = findWindow(connection, netWmName, titleBeforeClosing))
                                      != XCB_WINDOW_NONE,
                              qPrintable(QString::fromUtf8(errSoFar += havel.readAllStandardError())),
                              30'000);
    QTest::qWait(300); // the timers tick (or the finished run waits) for a while
    QCOMPARE(havel.state(), QProcess::Running);

    xcb_client_message_event_t message = {};
    message.response_type = XCB_CLIENT_MESSAGE;
    message.format = 32;
    message.window = window;
    message.type = atom(connection, "WM_PROTOCOLS");
    message.data.data32[0] = atom(connection, "WM_DELETE_WINDOW");
    message.data.data32[1] = XCB_CURRENT_TIME;
    xcb_send_event(connection, 0, window, XCB_EVENT_MASK_NO_EVENT, reinterpret_cast<const char *>(&message));
    xcb_flush(connection);

    QVERIFY2(havel.waitForFinished(30'000), "havel did not end the run when its window closed");
    const QString err = QString::fromUtf8(errSoFar + havel.readAllStandardError());
    QVERIFY2(havel.exitStatus() == QProcess::NormalExit, qPrintable(err));
    QVERIFY2(havel.exitCode() == exitCode, qPrintable(err));
    QVERIFY2(havel.readAllStandardOutput().contains("ready"), qPrintable(err));
    QCOMPARE(err, stderrContains);
#endif
}

QTEST_MAIN(tst_HavelInspector)
#include "tst_havelinspector.moc"
