// `havel --trace FILE.json` end to end: the file is valid JSON in the Chrome trace-event
// format, with one complete event per callback and the fields Perfetto shows, however the
// run ends (its end, a runtime error, SIGINT); a path that cannot be written stops havel
// before the script runs.
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include <csignal>

namespace {

//! The havel under test: HAVEL_BINARY from the environment (a ThreadSanitizer build, driven by
//! this normal-build runner, since TSan cannot follow QProcess's fork), else the one built here.
QString havelBinary()
{
    return qEnvironmentVariable("HAVEL_BINARY", QStringLiteral(HAVEL_BINARY));
}

QJsonObject readTrace(const QString &path, QString *problem)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *problem = file.errorString();
        return {};
    }
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError)
        *problem = QStringLiteral("invalid JSON at %1: %2").arg(error.offset).arg(error.errorString());
    else if (!document.isObject() || !document.object().value(QStringLiteral("traceEvents")).isArray())
        *problem = QStringLiteral("no traceEvents array");
    return document.object();
}

//! The complete ("X") events of @p trace for the timer whose label ends in @p labelEnd.
QList<QJsonObject> completeEvents(const QJsonObject &trace, const QString &labelEnd)
{
    QList<QJsonObject> events;
    for (const QJsonValue &value : trace.value(QStringLiteral("traceEvents")).toArray()) {
        const QJsonObject event = value.toObject();
        if (event.value(QStringLiteral("ph")).toString() == QLatin1String("X")
            && event.value(QStringLiteral("args")).toObject().value(QStringLiteral("label")).toString().endsWith(labelEnd))
            events.append(event);
    }
    return events;
}

} // namespace

//! Thread: the test's main thread; havel runs as a child process.
class tst_HavelTrace : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void everyFire();
    void validAfterErrorOrSignal_data();
    void validAfterErrorOrSignal();
    void badPath_data();
    void badPath();

private:
    QString writeScript(const QString &name, const QByteArray &source)
    {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(source) != source.size())
            return {};
        return path;
    }

    QTemporaryDir m_dir;
};

void tst_HavelTrace::everyFire()
{
    // Five ticks of an interval that stops itself, a timeout whose callback fails, and one
    // that ends well; the script counts the callbacks it ran, the trace must agree.
    const QString script = writeScript(QStringLiteral("fires.hv"), R"(ticks = 0
tick = interval 5 {
    ticks++
    if ticks >= 5 { @stop }
}
bad = timeout 20 { nosuch() }
good = timeout 40 { print "good" }
sleep 300
print f"ticks {ticks}"
)");
    QVERIFY(!script.isEmpty());
    const QString tracePath = m_dir.filePath(QStringLiteral("fires.json"));
    QProcess havel;
    havel.start(havelBinary(), {QStringLiteral("--trace"), tracePath, script});
    QVERIFY2(havel.waitForStarted(), qPrintable(havel.errorString()));
    const qint64 pid = havel.processId();
    QVERIFY2(havel.waitForFinished(60'000), "havel did not finish");
    const QByteArray out = havel.readAllStandardOutput();
    QCOMPARE(havel.exitCode(), 0);
    QVERIFY2(out.contains("ticks 5"), out.constData());

    QString problem;
    const QJsonObject trace = readTrace(tracePath, &problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(trace.value(QStringLiteral("displayTimeUnit")).toString(), QStringLiteral("ms"));
    QCOMPARE(trace.value(QStringLiteral("otherData")).toObject().value(QStringLiteral("exit_code")).toInt(-1), 0);

    // Metadata: the process is named after the script, each timer's track after the timer.
    const QJsonArray events = trace.value(QStringLiteral("traceEvents")).toArray();
    QStringList trackNames;
    bool processNamed = false;
    for (const QJsonValue &value : events) {
        const QJsonObject event = value.toObject();
        if (event.value(QStringLiteral("ph")).toString() != QLatin1String("M"))
            continue;
        const QString name = event.value(QStringLiteral("args")).toObject().value(QStringLiteral("name")).toString();
        if (event.value(QStringLiteral("name")).toString() == QLatin1String("process_name"))
            processNamed = name.contains(QLatin1String("fires.hv"));
        if (event.value(QStringLiteral("name")).toString() == QLatin1String("thread_name"))
            trackNames.append(name);
    }
    QVERIFY(processNamed);
    QCOMPARE(trackNames.size(), 3);

    const QList<QJsonObject> ticks = completeEvents(trace, QStringLiteral("fires.hv:2"));
    const QList<QJsonObject> failed = completeEvents(trace, QStringLiteral("fires.hv:6"));
    const QList<QJsonObject> good = completeEvents(trace, QStringLiteral("fires.hv:7"));
    QCOMPARE(ticks.size(), 5);
    QCOMPARE(failed.size(), 1);
    QCOMPARE(good.size(), 1);

    double previousTs = -1;
    for (const QJsonObject &event : ticks) {
        const QJsonObject args = event.value(QStringLiteral("args")).toObject();
        QCOMPARE(event.value(QStringLiteral("name")).toString(), QStringLiteral("fires.hv:2"));
        QCOMPARE(event.value(QStringLiteral("cat")).toString(), QStringLiteral("timer"));
        QCOMPARE(event.value(QStringLiteral("pid")).toInteger(), pid);
        QCOMPARE(event.value(QStringLiteral("tid")).toInteger(), args.value(QStringLiteral("timer")).toInteger());
        QCOMPARE(args.value(QStringLiteral("kind")).toString(), QStringLiteral("interval"));
        const double ts = event.value(QStringLiteral("ts")).toDouble(-1);
        QVERIFY2(ts > previousTs, "a timer's events are in time order");
        // Five ticks of 5 ms cannot start before 5 ms into the run.
        QVERIFY(ts >= 4000);
        previousTs = ts;
        QVERIFY(event.value(QStringLiteral("dur")).toDouble(-1) >= 0);
        QVERIFY(args.value(QStringLiteral("lateness_ms")).isDouble());
        QVERIFY(args.value(QStringLiteral("lateness_ms")).toDouble() > -1);
        QVERIFY(args.value(QStringLiteral("callback_ms")).toDouble(-1) >= 0);
        QVERIFY(!args.contains(QStringLiteral("error")));
    }
    const QJsonObject failedArgs = failed.front().value(QStringLiteral("args")).toObject();
    QCOMPARE(failed.front().value(QStringLiteral("cat")).toString(), QStringLiteral("timer,error"));
    QVERIFY2(failedArgs.value(QStringLiteral("error")).toString().contains(QLatin1String("nosuch")),
             qPrintable(failedArgs.value(QStringLiteral("error")).toString()));
    QCOMPARE(failedArgs.value(QStringLiteral("kind")).toString(), QStringLiteral("timeout"));
    QVERIFY(!good.front().value(QStringLiteral("args")).toObject().contains(QStringLiteral("error")));
}

void tst_HavelTrace::validAfterErrorOrSignal_data()
{
    QTest::addColumn<QByteArray>("source");
    QTest::addColumn<int>("signalNumber"); // 0: none, the script ends by itself
    QTest::addColumn<int>("exitCode");

    QTest::newRow("runtime error in the body")
            << QByteArray("n = 0\nt = interval 5 { n++ }\nwhile n < 3 { sleep 5 }\nnosuch()\n") << 0 << 70;
    QTest::newRow("SIGINT")
            << QByteArray("n = 0\nt = interval 5 { n++\n if n == 3 { print \"ready\" } }\nsleep 600000\n")
            << int(SIGINT) << 130;
    QTest::newRow("exit() in a callback")
            << QByteArray("n = 0\nt = interval 5 { n++\n if n == 3 { exit(3) } }\n") << 0 << 3;
}

void tst_HavelTrace::validAfterErrorOrSignal()
{
    QFETCH(QByteArray, source);
    QFETCH(int, signalNumber);
    QFETCH(int, exitCode);
    const QString script = writeScript(QStringLiteral("ends.hv"), source);
    const QString tracePath = m_dir.filePath(QStringLiteral("ends.json"));
    QProcess havel;
    havel.start(havelBinary(), {QStringLiteral("--trace"), tracePath, script});
    QVERIFY2(havel.waitForStarted(), qPrintable(havel.errorString()));
    if (signalNumber) {
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += havel.readAllStandardOutput()).contains("ready"), 30'000);
        ::kill(pid_t(havel.processId()), signalNumber);
    }
    QVERIFY2(havel.waitForFinished(60'000), "havel did not finish");
    QCOMPARE(havel.exitStatus(), QProcess::NormalExit);
    QCOMPARE(havel.exitCode(), exitCode);

    QString problem;
    const QJsonObject trace = readTrace(tracePath, &problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(completeEvents(trace, QStringLiteral("ends.hv:2")).size() >= 3);
    QCOMPARE(trace.value(QStringLiteral("otherData")).toObject().value(QStringLiteral("exit_code")).toInt(-1),
             exitCode);
}

void tst_HavelTrace::badPath_data()
{
    QTest::addColumn<QStringList>("traceArgs");
    QTest::addColumn<QString>("message");

    QTest::newRow("missing folder") << QStringList{QStringLiteral("--trace"), QStringLiteral("/nonexistent/dir/t.json")}
                                    << QStringLiteral("havel: --trace: cannot write '/nonexistent/dir/t.json'");
    QTest::newRow("a folder") << QStringList{QStringLiteral("--trace"), QStringLiteral("/")}
                              << QStringLiteral("havel: --trace: cannot write '/'");
    QTest::newRow("no file name") << QStringList{QStringLiteral("--trace=")}
                                  << QStringLiteral("--trace needs a file name");
}

void tst_HavelTrace::badPath()
{
    QFETCH(QStringList, traceArgs);
    QFETCH(QString, message);
    // The script would print at once: nothing may run when the trace cannot be written.
    const QString script = writeScript(QStringLiteral("never.hv"), "print \"ran\"\n");
    QProcess havel;
    havel.start(havelBinary(), traceArgs + QStringList{script});
    QVERIFY2(havel.waitForFinished(60'000), "havel did not finish");
    QCOMPARE(havel.exitCode(), 64);
    QCOMPARE(havel.readAllStandardOutput(), QByteArray());
    const QString err = QString::fromUtf8(havel.readAllStandardError());
    QVERIFY2(err.contains(message), qPrintable(err));
}

QTEST_GUILESS_MAIN(tst_HavelTrace)
#include "tst_haveltrace.moc"
