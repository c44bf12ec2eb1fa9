// The script suite: runs the real `havel` binary on every tests/scripts/<feature>/<case>.hv
// and compares its stdout, stderr and exit code with the expectations written in the
// script's comments:
//
//   // expect: TEXT                 a line of stdout, in order
//   // expect error: MESSAGE        stderr "[line L] MESSAGE", L = this comment's line; exit 65
//   // expect runtime error: MSG    stderr "[line L] RuntimeError: MSG"; exit 70
//   // expect stderr: TEXT          a line of stderr, verbatim, in order
//   // expect exit: N               the exit code (default 0, or 65/70 as above)
//   // args: --flag ...             extra command-line arguments, before the script
//
// The binary is the build's own havel, or $HAVEL_BINARY if set: CI runs this runner from the
// normal build against a havel built with ThreadSanitizer, which cannot run QProcess itself.
#include <QtCore/QDirIterator>
#include <QtCore/QTemporaryDir>
#include <QtCore/QFile>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtTest/QTest>

namespace {

struct Expectations
{
    QStringList stdoutLines;
    QStringList stderrLines;
    QStringList args;
    int exitCode = 0;
};

Expectations readExpectations(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    const QStringList lines = QString::fromUtf8(file.readAll()).split(u'\n');
    static const QRegularExpression directive(
            QStringLiteral(R"(//\s*(expect|expect error|expect runtime error|expect stderr|expect exit|args):(?: (.*))?$)"));
    Expectations expected;
    bool exitGiven = false;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QRegularExpressionMatch match = directive.match(lines.at(i));
        if (!match.hasMatch())
            continue;
        const QString kind = match.captured(1);
        const QString text = match.captured(2);
        const int line = int(i) + 1;
        if (kind == QLatin1String("expect")) {
            expected.stdoutLines.append(text);
        } else if (kind == QLatin1String("expect error")) {
            expected.stderrLines.append(QStringLiteral("[line %1] %2").arg(line).arg(text));
            if (!exitGiven)
                expected.exitCode = 65;
        } else if (kind == QLatin1String("expect runtime error")) {
            expected.stderrLines.append(QStringLiteral("[line %1] RuntimeError: %2").arg(line).arg(text));
            if (!exitGiven)
                expected.exitCode = 70;
        } else if (kind == QLatin1String("expect stderr")) {
            expected.stderrLines.append(text);
        } else if (kind == QLatin1String("expect exit")) {
            expected.exitCode = text.toInt();
            exitGiven = true;
        } else {
            expected.args = text.split(u' ', Qt::SkipEmptyParts);
        }
    }
    return expected;
}

QString havelBinary()
{
    const QByteArray fromEnvironment = qgetenv("HAVEL_BINARY");
    return fromEnvironment.isEmpty() ? QStringLiteral(HAVEL_BINARY) : QString::fromLocal8Bit(fromEnvironment);
}

QStringList outputLines(const QByteArray &bytes)
{
    QString text = QString::fromUtf8(bytes);
    if (text.endsWith(u'\n'))
        text.chop(1);
    return text.isEmpty() ? QStringList() : text.split(u'\n');
}

} // namespace

//! Thread: the test's main thread; havel runs as a child process.
class tst_Scripts : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_docBlocks; //!< the examples of docs/language.md, one file each

private Q_SLOTS:
    void run_data();
    void run();
};

void tst_Scripts::run_data()
{
    QTest::addColumn<QString>("path");
    // HAVEL_SCRIPTS_DIR in the environment runs another folder (ctest's tst_compat runs
    // tests/compat/scripts this way).
    const QByteArray fromEnvironment = qgetenv("HAVEL_SCRIPTS_DIR");
    const QDir root(fromEnvironment.isEmpty() ? QStringLiteral(HAVEL_SCRIPTS_DIR) : QString::fromLocal8Bit(fromEnvironment));
    QStringList paths;
    QDirIterator it(root.path(), {QStringLiteral("*.hv")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (!path.contains(QLatin1String("/lib/"))) // modules the cases `use`, not cases
            paths.append(path);
    }
    paths.sort();
    QVERIFY2(paths.size() >= (fromEnvironment.isEmpty() ? 10 : 1), "no scripts found under the scripts folder");
    for (const QString &path : paths)
        QTest::newRow(qPrintable(root.relativeFilePath(path))) << path;
    if (!fromEnvironment.isEmpty())
        return;
    // Every ```havel block of docs/language.md is a case too, with its `// expect:` comments:
    // the language reference's examples run as written.
    QFile doc(QStringLiteral(HAVEL_LANGUAGE_DOC));
    QVERIFY2(doc.open(QIODevice::ReadOnly), qPrintable(doc.fileName()));
    QVERIFY(m_docBlocks.isValid());
    const QStringList lines = QString::fromUtf8(doc.readAll()).split(u'\n');
    int blocks = 0;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (lines.at(i).trimmed() != QLatin1String("```havel"))
            continue;
        const qsizetype first = i + 1;
        QStringList block;
        for (++i; i < lines.size() && lines.at(i).trimmed() != QLatin1String("```"); ++i)
            block.append(lines.at(i));
        const QString path = m_docBlocks.filePath(QStringLiteral("language-md-line-%1.hv").arg(first));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(block.join(u'\n').toUtf8() + '\n');
        QTest::newRow(qPrintable(QStringLiteral("docs/language.md:%1").arg(first))) << path;
        ++blocks;
    }
    QVERIFY2(blocks >= 5, "docs/language.md has too few ```havel examples");
}

void tst_Scripts::run()
{
    QFETCH(QString, path);
    const Expectations expected = readExpectations(path);

    QProcess havel;
    havel.setProgram(havelBinary());
    havel.setArguments(QStringList(expected.args) << path);
    havel.setWorkingDirectory(QFileInfo(path).absolutePath());
    havel.start();
    QVERIFY2(havel.waitForStarted(), qPrintable(havel.errorString()));
    // Generous: the slowest script sleeps well under a second, but sanitizer builds on a
    // busy CI machine are slow (a TSan havel runs the allocation-heavy scripts 30-50x slower:
    // CI raises the limit with HAVEL_SCRIPT_TIMEOUT_S for that run).
    const int timeoutS = qEnvironmentVariableIsSet("HAVEL_SCRIPT_TIMEOUT_S")
            ? qEnvironmentVariableIntValue("HAVEL_SCRIPT_TIMEOUT_S")
            : 60;
    if (!havel.waitForFinished(timeoutS * 1000)) {
        havel.kill();
        havel.waitForFinished();
        QFAIL(qPrintable(QStringLiteral("havel did not finish within %1 s").arg(timeoutS)));
    }
    const QStringList out = outputLines(havel.readAllStandardOutput());
    const QStringList err = outputLines(havel.readAllStandardError());
    QCOMPARE(havel.exitStatus(), QProcess::NormalExit);
    QCOMPARE(out, expected.stdoutLines);
    QCOMPARE(err, expected.stderrLines);
    QCOMPARE(havel.exitCode(), expected.exitCode);
}

QTEST_GUILESS_MAIN(tst_Scripts)
#include "tst_scripts.moc"
