// The bash completion of havel-inspector: its own options, the formats of --export, and the
// pids and names of the processes that publish with `havel --inspect` for --attach.
#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QProcess>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

//! Thread: the test's main thread; bash runs as a child process.
class tst_InspectorCompletion : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void options();
    void exportFormats();
    void attachTargets();

private:
    //! What the completion offers for the words @p words (the last one being completed).
    QStringList complete(const QString &words);

    QString m_bash;
    QTemporaryDir m_runtime; // stands for $XDG_RUNTIME_DIR
};

void tst_InspectorCompletion::initTestCase()
{
    m_bash = QStandardPaths::findExecutable(QStringLiteral("bash"));
    if (m_bash.isEmpty())
        QSKIP("no bash");
    QVERIFY(m_runtime.isValid());
}

QStringList tst_InspectorCompletion::complete(const QString &words)
{
    QProcess shell;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_runtime.path());
    shell.setProcessEnvironment(environment);
    shell.start(m_bash, {QStringLiteral("-c"),
                         QStringLiteral("source '%1'; COMP_WORDS=(%2); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); "
                                        "_havel_inspector; printf '%s\\n' \"${COMPREPLY[@]}\"")
                                 .arg(QStringLiteral(HAVEL_INSPECTOR_COMPLETION), words)});
    if (!shell.waitForFinished(10'000))
        return {QStringLiteral("(bash did not finish)")};
    QStringList offered = QString::fromUtf8(shell.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts);
    offered.sort();
    return offered;
}

void tst_InspectorCompletion::options()
{
    const QStringList all = complete(QStringLiteral("havel-inspector --"));
    for (const char *option : {"--list", "--attach", "--export", "--screenshot", "--screenshot-delay",
                               "--inspector", "--inspect", "--trace", "--help"})
        QVERIFY2(all.contains(QLatin1String(option)), option);
    QCOMPARE(complete(QStringLiteral("havel-inspector --li")), QStringList{QStringLiteral("--list")});
}

void tst_InspectorCompletion::exportFormats()
{
    QCOMPARE(complete(QStringLiteral("havel-inspector --attach 12 --export ''")),
             (QStringList{QStringLiteral("csv"), QStringLiteral("json")}));
    QCOMPARE(complete(QStringLiteral("havel-inspector --attach 12 --export j")),
             QStringList{QStringLiteral("json")});
}

void tst_InspectorCompletion::attachTargets()
{
    // A publisher as InspectEndpoint describes one: this test's own pid, so it is alive; and
    // one of a process that is gone, which is not offered.
    QDir(m_runtime.path()).mkdir(QStringLiteral("havel"));
    const qint64 pid = QCoreApplication::applicationPid();
    QFile live(m_runtime.filePath(QStringLiteral("havel/%1.json").arg(pid)));
    QVERIFY(live.open(QIODevice::WriteOnly));
    live.write(QStringLiteral(R"({"name":"watcher","pid":%1,"script":"watch.hv"})").arg(pid).toUtf8());
    live.close();
    QFile gone(m_runtime.filePath(QStringLiteral("havel/999999999.json")));
    QVERIFY(gone.open(QIODevice::WriteOnly));
    gone.write(R"({"name":"ghost","pid":999999999,"script":"ghost.hv"})");
    gone.close();

    QCOMPARE(complete(QStringLiteral("havel-inspector --attach ''")),
             (QStringList{QString::number(pid), QStringLiteral("watcher")}));
    QCOMPARE(complete(QStringLiteral("havel-inspector --attach wa")), QStringList{QStringLiteral("watcher")});
}

QTEST_GUILESS_MAIN(tst_InspectorCompletion)
#include "tst_inspectorcompletion.moc"
