// The check every signal test of havel shares: a clean shutdown on SIGINT/SIGTERM.
#pragma once

#include <QtCore/QProcess>
#include <QtTest/QTest>

#include <csignal>

//! Waits until the started @p havel prints "ready", sends it @p signalNumber @p times times,
//! and checks a clean shutdown: a normal exit with 128 + signal, and nothing on stderr (no
//! warning, no sanitizer report, no half-written line). Call it last in a test function: on
//! failure it returns to the caller, as the QTest macros do.
inline void expectCleanShutdownOnSignal(QProcess &havel, int signalNumber, int times = 1,
                                        int timeoutMs = 30'000)
{
    QVERIFY2(havel.waitForStarted(), qPrintable(havel.errorString()));
    QByteArray out;
    QTRY_VERIFY2_WITH_TIMEOUT((out += havel.readAllStandardOutput()).contains("ready"),
                              qPrintable(QString::fromUtf8(out + havel.readAllStandardError())),
                              timeoutMs);
    for (int i = 0; i < times; ++i)
        ::kill(pid_t(havel.processId()), signalNumber);
    QVERIFY2(havel.waitForFinished(timeoutMs), "havel did not shut down after the signal");
    QCOMPARE(havel.exitStatus(), QProcess::NormalExit);
    QCOMPARE(QString::fromUtf8(havel.readAllStandardError()), QString());
    QCOMPARE(havel.exitCode(), 128 + signalNumber);
}
