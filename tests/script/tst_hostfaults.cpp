// The Havel host under faults: SIGTERM while 10,000 timers are live and callbacks are in
// flight, script files that are not scripts (missing, a directory, binary, not UTF-8, empty),
// and recursion on a thread whose stack is too small for the call-depth limit.
//
// The signal and file cases run the real havel binary (HAVEL_BINARY) through QProcess, so this
// suite cannot run under ThreadSanitizer; under the asan preset a leak or any other report
// appears on stderr, which every case requires to be exactly what it expects.
#include <interpreter.h>
#include <timermanager.h>

#include "signalshutdown.h"

#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtCore/QThread>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <csignal>

namespace {

QString havelBinary()
{
    const QByteArray fromEnvironment = qgetenv("HAVEL_BINARY");
    return fromEnvironment.isEmpty() ? QStringLiteral(HAVEL_BINARY) : QString::fromLocal8Bit(fromEnvironment);
}

} // namespace

//! Thread: the test's main thread; havel runs as a child process, the in-process interpreter
//! on a QThread of its own.
class tst_HostFaults : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sigtermWithTenThousandTimers_data();
    void sigtermWithTenThousandTimers();
    void scriptFileIsNotAScript_data();
    void scriptFileIsNotAScript();
    void recursionOnASmallStack();
};

void tst_HostFaults::sigtermWithTenThousandTimers_data()
{
    QTest::addColumn<QString>("script");
    QTest::addColumn<int>("signalCount");

    // Every script prints "ready" once its timers are busy; the signal comes after that.
    const QString tenThousand = QStringLiteral(
            "fires = 0\n"
            "for i in 1..10000 {\n"
            "    setInterval(fn() { fires++; box = {n: fires, list: [fires]} }, 1 + i % 50)\n"
            "}\n");
    QTest::newRow("10k intervals, callbacks allocating")
            << tenThousand + QStringLiteral("setInterval(fn() { if fires > 20000 { print \"ready\" } }, 5)\n")
            << 1;
    QTest::newRow("10k intervals, a callback sleeping")
            << tenThousand
                    + QStringLiteral("setInterval(fn() { sleep(30) }, 2)\n"
                                     "timeout 100 { print \"ready\" }\n")
            << 1;
    QTest::newRow("10k timeouts and a busy body")
            << QStringLiteral("for i in 1..10000 { setTimeout(fn() { x = [i] }, 1 + i % 3000) }\n"
                              "print \"ready\"\n"
                              "n = 0\nwhile true { n++; if n % 1000 == 0 { sleep(1) } }\n")
            << 1;
    QTest::newRow("10k intervals, SIGTERM twice")
            << tenThousand + QStringLiteral("timeout 100 { print \"ready\" }\n") << 2;
}

void tst_HostFaults::sigtermWithTenThousandTimers()
{
    QFETCH(QString, script);
    QFETCH(int, signalCount);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("storm.hv"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(script.toUtf8());
    file.close();

    QProcess havel;
    havel.setProgram(havelBinary());
    havel.setArguments({path});
    havel.start();
    // 10k timers under ASan take a while to set up: a longer timeout than the CLI tests'.
    expectCleanShutdownOnSignal(havel, SIGTERM, signalCount, 180'000);
}

void tst_HostFaults::scriptFileIsNotAScript_data()
{
    QTest::addColumn<QString>("name");      // created in a temporary directory, "" = none
    QTest::addColumn<QByteArray>("content"); // written to it; a directory if name ends in '/'
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("stderrText"); // %1 = the path given to havel

    QTest::newRow("missing") << QStringLiteral("missing.hv") << QByteArray() << 64
                             << QStringLiteral("havel: cannot read '%1': No such file or directory\n");
    QTest::newRow("directory") << QStringLiteral("folder.hv/") << QByteArray() << 64
                               << QStringLiteral("havel: cannot read '%1': Is a directory\n");
    QTest::newRow("binary") << QStringLiteral("program.hv")
                            << QByteArray::fromHex("7f454c46020101000000000a03003e00") << 65
                            << QStringLiteral("[line 1] Error: The script holds a NUL byte: it is a "
                                              "binary file, not Havel source.\n");
    QTest::newRow("not UTF-8 (Latin-1)") << QStringLiteral("latin1.hv")
                                        << QByteArray("print \"ok\"\nprint \"caf\xe9\"\n") << 65
                                        << QStringLiteral("[line 2] Error: The script is not valid UTF-8.\n");
    QTest::newRow("empty") << QStringLiteral("empty.hv") << QByteArray("") << 0 << QString();
    QTest::newRow("only a byte-order mark") << QStringLiteral("bom.hv") << QByteArray("\xef\xbb\xbf")
                                            << 0 << QString();
    QTest::newRow("a control character") << QStringLiteral("control.hv")
                                         << QByteArray("print 1\n\x01\n") << 65
                                         << QStringLiteral("[line 2] Error: Unexpected character U+0001.\n");
}

void tst_HostFaults::scriptFileIsNotAScript()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, content);
    QFETCH(int, exitCode);
    QFETCH(QString, stderrText);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QString path = dir.filePath(name);
    if (name.endsWith(u'/')) {
        path.chop(1);
        QVERIFY(QDir().mkdir(path));
    } else if (name != QLatin1String("missing.hv")) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
    }

    QProcess havel;
    havel.setProgram(havelBinary());
    havel.setArguments({path});
    havel.start();
    QVERIFY2(havel.waitForStarted(), qPrintable(havel.errorString()));
    QVERIFY(havel.waitForFinished(60'000));
    QCOMPARE(havel.exitStatus(), QProcess::NormalExit);
    const QString expected = stderrText.contains(QLatin1String("%1")) ? stderrText.arg(path) : stderrText;
    QCOMPARE(QString::fromUtf8(havel.readAllStandardError()), expected);
    QCOMPARE(havel.exitCode(), exitCode);
    if (name == QLatin1String("latin1.hv"))
        QCOMPARE(havel.readAllStandardOutput(), QByteArray()); // refused before anything ran
}

// Runaway recursion whose every call walks a deep expression, on a thread with a 4 MB stack:
// the call-depth limit (1000) comes too late for such a stack, so the interpreter's native stack
// guard must report "Stack overflow." as a runtime error instead of crashing.
void tst_HostFaults::recursionOnASmallStack()
{
    QString body = QStringLiteral("f(n + 1)");
    for (int i = 0; i < 60; ++i)
        body = QStringLiteral("1 + (%1)").arg(body);
    const QString source = QStringLiteral("fn f(n) { return %1 }\n"
                                          "try { f(0) } catch (e) { print \"caught:\", e }\n"
                                          "f(0)\n").arg(body);
    havel::TimerManager timers;
    QString out;
    QString err;
    int exitCode = -1;
    std::unique_ptr<QThread> thread(QThread::create([&] {
        havel::script::Interpreter interpreter(&timers);
        interpreter.setScriptName(QStringLiteral("deep.hv"));
        interpreter.setOutput([&out](const QString &text) { out += text; },
                              [&err](const QString &text) { err += text; });
        QSignalSpy finished(&interpreter, &havel::script::Interpreter::finished);
        interpreter.runScript(source);
        if (finished.isEmpty())
            finished.wait(60'000);
        if (!finished.isEmpty())
            exitCode = finished.first().first().toInt();
    }));
    thread->setStackSize(4u * 1024u * 1024u);
    thread->start();
    QVERIFY(thread->wait(QDeadlineTimer(120'000)));
    QCOMPARE(out, QStringLiteral("caught: Stack overflow.\n"));
    QCOMPARE(err, QStringLiteral("[line 1] RuntimeError: Stack overflow.\n"));
    QCOMPARE(exitCode, 70);
}

QTEST_GUILESS_MAIN(tst_HostFaults)
#include "tst_hostfaults.moc"
