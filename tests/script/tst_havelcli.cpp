// End-to-end tests of the havel executable: the command line, exit codes, and shutdown on
// SIGINT/SIGTERM while timers fire and callbacks are in flight.
#include "signalshutdown.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryFile>
#include <QtTest/QTest>

#include <csignal>

namespace {

//! Starts havel and returns once it has started; the caller waits for its output.
void startHavel(QProcess &havel, const QStringList &args)
{
    havel.setProgram(QStringLiteral(HAVEL_BINARY));
    havel.setArguments(args);
    havel.start();
    QVERIFY2(havel.waitForStarted(), qPrintable(havel.errorString()));
}

} // namespace

//! Thread: the test's main thread; havel runs as a child process.
class tst_HavelCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void commandLine_data();
    void commandLine();
    void shutdownOnSignal_data();
    void shutdownOnSignal();
    void signalDuringParse_data();
    void signalDuringParse();
};

void tst_HavelCli::commandLine_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("stdoutContains");
    QTest::addColumn<QString>("stderrContains");

    QTest::newRow("help") << QStringList{"--help"} << 0 << "--exit-when-done" << "";
    QTest::newRow("version") << QStringList{"--version"} << 0 << "havel 1.0.0" << "";
    QTest::newRow("no script") << QStringList{} << 64 << "" << "no script given";
    QTest::newRow("two scripts") << QStringList{"a.hv", "b.hv"} << 64 << "" << "one script at a time";
    QTest::newRow("unknown option") << QStringList{"--bogus", "a.hv"} << 64 << "" << "Unknown option 'bogus'";
    QTest::newRow("missing file") << QStringList{"/nonexistent/x.hv"} << 64 << ""
                                  << "havel: cannot read '/nonexistent/x.hv'";
    QTest::newRow("directory") << QStringList{"/"} << 64 << "" << "Is a directory";
    QTest::newRow("eval") << QStringList{"-e", "print 6 * 7"} << 0 << "42" << "";
    QTest::newRow("eval syntax error") << QStringList{"-e", "print ("} << 65 << ""
                                       << "[line 1] Error at end: Expect expression.";
    QTest::newRow("eval runtime error") << QStringList{"-e", "x = y"} << 70 << ""
                                        << "[line 1] RuntimeError: Undefined variable 'y'.";
    QTest::newRow("eval and file") << QStringList{"-e", "print 1", "a.hv"} << 64 << "" << "not both";
    QTest::newRow("eval exit when done") << QStringList{"--exit-when-done", "-e", "setInterval(() => print(1), 1)"}
                                         << 0 << "" << "";
    // havel runs in the test's build directory: a script's `use "lib/..."` is found beside the
    // script, not in the working directory.
    QTest::newRow("modules beside the script") << QStringList{HAVEL_SCRIPTS_DIR "/modules/use_file.hv"}
                                               << 0 << "6 0 6 counter 100" << "";
    QTest::newRow("timer label from eval") << QStringList{"-e", "print getTimerStatus(setTimeout(() => null, 1)).label"}
                                           << 0 << "<eval>:1" << "";
}

void tst_HavelCli::commandLine()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QString, stdoutContains);
    QFETCH(QString, stderrContains);

    QProcess havel;
    startHavel(havel, args);
    QVERIFY(havel.waitForFinished(30'000));
    const QString out = QString::fromUtf8(havel.readAllStandardOutput());
    const QString err = QString::fromUtf8(havel.readAllStandardError());
    QCOMPARE(havel.exitStatus(), QProcess::NormalExit);
    QCOMPARE(havel.exitCode(), exitCode);
    QVERIFY2(out.contains(stdoutContains), qPrintable(out));
    QVERIFY2(err.contains(stderrContains), qPrintable(err));
    if (stderrContains.isEmpty())
        QCOMPARE(err, QString());
    // Usage and file errors are one line, never a crash or a wall of text.
    if (exitCode == 64)
        QCOMPARE(err.count(u'\n') <= 2, true);
}

void tst_HavelCli::shutdownOnSignal_data()
{
    QTest::addColumn<QString>("script");
    QTest::addColumn<int>("signalNumber");

    // Every script prints "ready" once its timers are busy; the signal comes after that.
    QTest::newRow("SIGTERM with callbacks in flight")
            << "n = 0\n"
               "for i in 1..200 { setInterval(fn() { n++; xs = [n, {v: n}] }, 1) }\n"
               "setInterval(fn() { sleep(20) }, 5)\n"
               "timeout 50 { print \"ready\" }\n"
            << SIGTERM;
    QTest::newRow("SIGINT while the body sleeps")
            << "setInterval(() => null, 1)\ntimeout 20 { print \"ready\" }\nsleep(60000)\n" << SIGINT;
    QTest::newRow("SIGTERM in a busy body")
            << "print \"ready\"\nwhile true { }\n" << SIGTERM;
    QTest::newRow("SIGTERM in a busy callback")
            << "setTimeout(fn() { print \"ready\"; loop { } }, 5)\n" << SIGTERM;
    QTest::newRow("SIGTERM while waiting on a handle")
            << "h = interval 1000 { }\ntimeout 10 { print \"ready\" }\nh.wait()\n" << SIGTERM;
}

void tst_HavelCli::shutdownOnSignal()
{
    QFETCH(QString, script);
    QFETCH(int, signalNumber);

    QTemporaryFile file(QDir::tempPath() + QStringLiteral("/havel-XXXXXX.hv"));
    QVERIFY(file.open());
    file.write(script.toUtf8());
    file.close();

    QProcess havel;
    startHavel(havel, {file.fileName()});
    expectCleanShutdownOnSignal(havel, signalNumber);
}

void tst_HavelCli::signalDuringParse_data()
{
    QTest::addColumn<int>("signalNumber");
    QTest::newRow("SIGINT") << SIGINT;
    QTest::newRow("SIGTERM") << SIGTERM;
}

// Issue 10: a signal interrupts the parse of a huge script, which would otherwise take about a
// second (several under ASan), and havel exits with 128 + signal at once. The script ends
// in a syntax error, so a parse that ran to its end would show: exit 65 and the error.
void tst_HavelCli::signalDuringParse()
{
    QFETCH(int, signalNumber);

    QTemporaryFile file(QDir::tempPath() + QStringLiteral("/havel-XXXXXX.hv"));
    QVERIFY(file.open());
    file.write("o = {");
    for (int i = 0; i < 200'000; ++i)
        file.write(QByteArrayLiteral("key%1: %1, ").replace("%1", QByteArray::number(i)));
    file.write("}\nprint \"parsed\"\n)\n");
    file.close();

    QProcess havel;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("havel.script.debug=true"));
    havel.setProcessEnvironment(env);
    havel.setReadChannel(QProcess::StandardError);
    startHavel(havel, {file.fileName()});
    // Synchronise on the state, not on time: havel has read the file, its signal handling is
    // in place, and the interpreter thread has begun to parse.
    QByteArray err;
    while (!err.contains("runScript: parsing ")) {
        QVERIFY2(havel.waitForReadyRead(60'000), err.constData());
        err += havel.readAllStandardError();
    }
    QElapsedTimer sinceSignal;
    sinceSignal.start();
    ::kill(pid_t(havel.processId()), signalNumber);
    QVERIFY2(havel.waitForFinished(60'000), "havel did not end after the signal");
    const qint64 ms = sinceSignal.elapsed();
    err += havel.readAllStandardError();
    qInfo("exit %d, %lld ms after the signal", havel.exitCode(), qlonglong(ms));

    QCOMPARE(havel.exitStatus(), QProcess::NormalExit);
    QVERIFY2(err.contains("parsing interrupted"), err.constData());
    QVERIFY2(!err.contains("Error"), err.constData());
    QCOMPARE(havel.readAllStandardOutput(), QByteArray());
    QCOMPARE(havel.exitCode(), 128 + signalNumber);
    // The target is 100 ms; the bound leaves room for a loaded machine and sanitizers (freeing
    // the tokens read so far is part of it).
    QVERIFY2(ms < 3000, qPrintable(QString::number(ms)));
}

QTEST_GUILESS_MAIN(tst_HavelCli)
#include "tst_havelcli.moc"
