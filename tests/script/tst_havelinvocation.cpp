// End-to-end tests of how havel is invoked (issue 13): a script from standard input, a
// `#!/usr/bin/env havel` script run as a program, --help-all, -e given twice, I/O errors
// that are never silent (exit 74), the version, and the man page and the bash completion
// agreeing with --help.
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

//! Runs havel (or @p program) to its end. @p stdinFile / @p stdoutFile redirect its streams.
Run runHavel(const QStringList &args, const QByteArray &input = {}, const QString &stdinFile = {},
             const QString &stdoutFile = {}, const QString &program = QStringLiteral(HAVEL_BINARY),
             const QString &workingDirectory = {})
{
    QProcess havel;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // `#!/usr/bin/env havel` looks havel up in PATH: the one under test comes first.
    env.insert(QStringLiteral("PATH"), QFileInfo(QStringLiteral(HAVEL_BINARY)).absolutePath()
                                               + u':' + env.value(QStringLiteral("PATH")));
    havel.setProcessEnvironment(env);
    if (!stdinFile.isEmpty())
        havel.setStandardInputFile(stdinFile);
    if (!stdoutFile.isEmpty())
        havel.setStandardOutputFile(stdoutFile);
    if (!workingDirectory.isEmpty())
        havel.setWorkingDirectory(workingDirectory);
    havel.start(program, args);
    Run run;
    if (!havel.waitForStarted())
        return run;
    if (stdinFile.isEmpty()) {
        havel.write(input);
        havel.closeWriteChannel();
    }
    if (!havel.waitForFinished(30'000)) {
        havel.kill();
        havel.waitForFinished();
        return run;
    }
    run.exitCode = havel.exitStatus() == QProcess::NormalExit ? havel.exitCode() : -2;
    run.out = QString::fromUtf8(havel.readAllStandardOutput());
    run.err = QString::fromUtf8(havel.readAllStandardError());
    return run;
}

//! Every long option --help lists.
QStringList helpOptions()
{
    const Run help = runHavel({QStringLiteral("--help")});
    QStringList options;
    // QCommandLineParser indents each option by two spaces; deeper lines continue a
    // description (which may itself start with an option it mentions, such as --attach).
    static const QRegularExpression option(QStringLiteral("^  (?:-\\w, )?(--[a-z-]+)"),
                                           QRegularExpression::MultilineOption);
    for (auto it = option.globalMatch(help.out); it.hasNext();)
        options.append(it.next().captured(1));
    return options;
}

} // namespace

//! Thread: the test's main thread; havel runs as a child process.
class tst_HavelInvocation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scriptFromStdin_data();
    void scriptFromStdin();
    void stdinWithInspector();
    void shebangScriptRunsAsProgram();
    void helpAll();
    void helpSaysHow();
    void evalTwiceJoins();
    void readErrors_data();
    void readErrors();
    void writeErrors_data();
    void writeErrors();
    void delayArgumentNamed();
    void version();
    void bashCompletion();
    void manPage();
};

void tst_HavelInvocation::scriptFromStdin_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("out");
    QTest::addColumn<QString>("err");

    QTest::newRow("print") << QByteArray("print 6 * 7\n") << 0 << "42\n" << "";
    QTest::newRow("timers") << QByteArray("timeout 20 { print \"later\" }\nprint \"first\"\n")
                            << 0 << "first\nlater\n" << "";
    QTest::newRow("label") << QByteArray("print getTimerStatus(setTimeout(() => null, 1)).label\n")
                           << 0 << "<stdin>:1\n" << "";
    QTest::newRow("shebang kept out, lines kept") << QByteArray("#!/usr/bin/env havel\nx = y\n")
                                                  << 70 << "" << "[line 2] RuntimeError: Undefined variable 'y'.\n";
    QTest::newRow("empty") << QByteArray() << 0 << "" << "";
    QTest::newRow("not UTF-8") << QByteArray("print 1\nprint \"\xff\"\n") << 65 << ""
                               << "[line 2] Error: The script is not valid UTF-8.\n";
}

void tst_HavelInvocation::scriptFromStdin()
{
    QFETCH(QByteArray, input);
    QFETCH(int, exitCode);
    QFETCH(QString, out);
    QFETCH(QString, err);
    const Run run = runHavel({QStringLiteral("-")}, input);
    QCOMPARE(run.err, err);
    QCOMPARE(run.out, out);
    QCOMPARE(run.exitCode, exitCode);
}

void tst_HavelInvocation::stdinWithInspector()
{
    // havel hands --screenshot over to havel-inspector (exec): the script must be read there,
    // not consumed from the pipe before it.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString png = dir.filePath(QStringLiteral("inspector.png"));
    qputenv("QT_QPA_PLATFORM", "offscreen");
    const Run run = runHavel({QStringLiteral("--screenshot"), png, QStringLiteral("-")},
                             "print \"from stdin\"\ninterval 50 { }\n");
    QCOMPARE(run.out, QStringLiteral("from stdin\n"));
    QCOMPARE(run.exitCode, 0);
    QVERIFY(QFileInfo(png).size() > 0);
}

void tst_HavelInvocation::shebangScriptRunsAsProgram()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile script(dir.filePath(QStringLiteral("s.hv")));
    QVERIFY(script.open(QIODevice::WriteOnly));
    script.write("#!/usr/bin/env havel\nprint \"ran as a program\"\ntimeout 10 { print \"and its timer\" }\n");
    script.close();
    QVERIFY(script.setPermissions(script.permissions() | QFileDevice::ExeOwner));

    // chmod +x s.hv; ./s.hv  (the kernel runs `havel ./s.hv` through env and PATH)
    const Run run = runHavel({}, {}, {}, {}, QStringLiteral("./s.hv"), dir.path());
    QCOMPARE(run.err, QString());
    QCOMPARE(run.out, QStringLiteral("ran as a program\nand its timer\n"));
    QCOMPARE(run.exitCode, 0);
}

void tst_HavelInvocation::helpAll()
{
    const Run run = runHavel({QStringLiteral("--help-all")});
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(run.err, QString());
    // Everything --help says, and Qt's own options.
    for (const QString &option : helpOptions())
        QVERIFY2(run.out.contains(option), qPrintable(option));
    QVERIFY2(run.out.contains(QLatin1String("--qmljsdebugger")), qPrintable(run.out));
}

void tst_HavelInvocation::helpSaysHow()
{
    const Run run = runHavel({QStringLiteral("--help")});
    QCOMPARE(run.exitCode, 0);
    const QString help = run.out.simplified();
    QVERIFY2(help.contains(QLatin1String("- reads it from standard input")), qPrintable(help));
    QVERIFY2(help.contains(QLatin1String("Given more than once, the pieces of code are joined")), qPrintable(help));
    QVERIFY2(help.contains(QLatin1String("74 I/O error")), qPrintable(help));
    QVERIFY(helpOptions().contains(QStringLiteral("--help-all")));
}

void tst_HavelInvocation::evalTwiceJoins()
{
    const Run run = runHavel({QStringLiteral("-e"), QStringLiteral("x = 6"), QStringLiteral("--eval"),
                              QStringLiteral("print x * 7"), QStringLiteral("-e"), QStringLiteral("x = y")});
    QCOMPARE(run.out, QStringLiteral("42\n"));
    // One script, one line per -e: the third piece is line 3.
    QCOMPARE(run.err, QStringLiteral("[line 3] RuntimeError: Undefined variable 'y'.\n"));
    QCOMPARE(run.exitCode, 70);
}

void tst_HavelInvocation::readErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("stdinFile");
    QTest::addColumn<QString>("err");

    // Opens fine, then read() fails with EIO: it used to run as an empty script, exit 0.
    QTest::newRow("/proc/self/mem") << QStringList{"/proc/self/mem"} << QString()
                                    << "havel: cannot read '/proc/self/mem': Input/output error\n";
    // A folder as standard input: read() fails with EISDIR.
    QTest::newRow("stdin is a folder") << QStringList{"-"} << "/"
                                       << "havel: cannot read standard input: Is a directory\n";
}

void tst_HavelInvocation::readErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, stdinFile);
    QFETCH(QString, err);
    const Run run = runHavel(args, {}, stdinFile);
    QCOMPARE(run.err, err);
    QCOMPARE(run.out, QString());
    QCOMPARE(run.exitCode, 74);
}

void tst_HavelInvocation::writeErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::newRow("print") << QStringList{"-e", "print \"hello\""};
    QTest::newRow("print in a timer") << QStringList{"-e", "timeout 10 { print \"late\" }"};
    // Would run for ever if the failure were ignored; it ends at the first failed write.
    QTest::newRow("interval prints for ever") << QStringList{"-e", "interval 5 { print \"tick\" }"};
    QTest::newRow("--version") << QStringList{"--version"};
    QTest::newRow("--help") << QStringList{"--help"};
    QTest::newRow("--help-all") << QStringList{"--help-all"};
}

void tst_HavelInvocation::writeErrors()
{
    if (!QFileInfo::exists(QStringLiteral("/dev/full")))
        QSKIP("no /dev/full");
    QFETCH(QStringList, args);
    const Run run = runHavel(args, {}, {}, QStringLiteral("/dev/full"));
    QCOMPARE(run.err, QStringLiteral("havel: cannot write to standard output: No space left on device\n"));
    QCOMPARE(run.exitCode, 74);
}

void tst_HavelInvocation::delayArgumentNamed()
{
    const Run run = runHavel({QStringLiteral("-e"), QStringLiteral("setTimeout(fn() { print 1 }, true)")});
    QCOMPARE(run.err, QStringLiteral("[line 1] RuntimeError: setTimeout: the delay must be a number "
                                     "of milliseconds or a string like \"500ms\", not bool\n"));
    QCOMPARE(run.exitCode, 70);
}

void tst_HavelInvocation::version()
{
    const Run run = runHavel({QStringLiteral("--version")});
    QCOMPARE(run.out, QStringLiteral("havel " HAVEL_VERSION "\n"));
    QCOMPARE(run.exitCode, 0);
    QVERIFY(QRegularExpression(QStringLiteral("^\\d+\\.\\d+\\.\\d+$")).match(QStringLiteral(HAVEL_VERSION)).hasMatch());
}

void tst_HavelInvocation::bashCompletion()
{
    const QString bash = QStandardPaths::findExecutable(QStringLiteral("bash"));
    if (bash.isEmpty())
        QSKIP("no bash");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile::copy(QStringLiteral(HAVEL_SCRIPTS_DIR "/timers/handles.hv"), dir.filePath(QStringLiteral("handles.hv")));
    QDir(dir.path()).mkdir(QStringLiteral("more"));
    QFile(dir.filePath(QStringLiteral("notes.txt"))).open(QIODevice::WriteOnly);

    auto complete = [&](const QString &words) {
        QProcess shell;
        shell.setWorkingDirectory(dir.path());
        shell.start(bash, {QStringLiteral("-c"),
                           QStringLiteral("source '%1'; COMP_WORDS=(%2); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); "
                                          "_havel; printf '%s\\n' \"${COMPREPLY[@]}\"")
                                   .arg(QStringLiteral(HAVEL_COMPLETION), words)});
        shell.waitForFinished(10'000);
        return QString::fromUtf8(shell.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts);
    };
    // Every option --help lists completes.
    const QStringList all = complete(QStringLiteral("havel --"));
    for (const QString &option : helpOptions())
        QVERIFY2(all.contains(option), qPrintable(option + QLatin1String(" missing from ") + all.join(u' ')));
    QCOMPARE(complete(QStringLiteral("havel --help-")), QStringList{QStringLiteral("--help-all")});
    // A script: .hv files and folders, not other files.
    QStringList files = complete(QStringLiteral("havel ''"));
    files.sort();
    QCOMPARE(files, (QStringList{QStringLiteral("handles.hv"), QStringLiteral("more")}));
    // -e takes code: no file names.
    QCOMPARE(complete(QStringLiteral("havel -e ''")), QStringList());
}

void tst_HavelInvocation::manPage()
{
    QFile page(QStringLiteral(HAVEL_MAN_PAGE));
    QVERIFY2(page.open(QIODevice::ReadOnly), HAVEL_MAN_PAGE);
    const QString text = QString::fromUtf8(page.readAll()).replace(QLatin1String("\\-"), QLatin1String("-"));
    QVERIFY2(text.startsWith(QLatin1String(".TH HAVEL 1 \"\" \"havel " HAVEL_VERSION "\"")), qPrintable(text.left(80)));
    for (const QString &option : helpOptions())
        QVERIFY2(text.contains(option), qPrintable(option + QLatin1String(" is not in the man page")));
    QVERIFY(text.contains(QLatin1String(".B 74")));
}

QTEST_GUILESS_MAIN(tst_HavelInvocation)
#include "tst_havelinvocation.moc"
