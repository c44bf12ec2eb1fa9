#include "benchoptions.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace havel::bench {

namespace {

[[noreturn]] void usageError(const QString &message)
{
    std::fprintf(stderr, "%s: %s\n", qPrintable(QCoreApplication::applicationName()),
                 qPrintable(message));
    std::exit(64);
}

std::uint32_t toCount(const QString &text, const char *option)
{
    bool ok = false;
    const uint value = text.toUInt(&ok);
    if (!ok)
        usageError(QStringLiteral("--%1 needs a non-negative integer, not '%2'")
                           .arg(QLatin1String(option), text));
    return value;
}

template<typename T, typename ToText>
QString joined(const std::vector<T> &values, ToText toText)
{
    QStringList texts;
    for (const T &value : values)
        texts.append(toText(value));
    return texts.join(QLatin1Char(','));
}

} // namespace

QStringList BenchOptions::allWorkloads()
{
    return {QStringLiteral("create_cancel"), QStringLiteral("fire"), QStringLiteral("lateness"),
            QStringLiteral("memory"), QStringLiteral("idle"), QStringLiteral("handover"),
            QStringLiteral("lateness_cold"), QStringLiteral("million")};
}

BenchOptions BenchOptions::parse(const QString &description, const BenchOptions &defaults)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(description);
    parser.addHelpOption();
    const QCommandLineOption workload(
            QStringLiteral("workload"),
            QStringLiteral("Workloads to run, comma-separated: %1, or all.")
                    .arg(allWorkloads().join(QStringLiteral(", "))),
            QStringLiteral("names"), QStringLiteral("all"));
    const QCommandLineOption n(QStringLiteral("n"),
                               QStringLiteral("Timers for create_cancel, fire and memory."),
                               QStringLiteral("count"), QString::number(defaults.n));
    const QCommandLineOption order(QStringLiteral("order"),
                                   QStringLiteral("Cancel orders: creation,reverse,random."),
                                   QStringLiteral("orders"),
                                   joined(defaults.orders, [](IndexOrder::Kind kind) {
                                       return QString::fromLatin1(IndexOrder::name(kind));
                                   }));
    const QCommandLineOption delay(QStringLiteral("delay"),
                                   QStringLiteral("Delays of the fire workload, in ms."),
                                   QStringLiteral("ms,..."),
                                   joined(defaults.fireDelays, [](std::chrono::milliseconds ms) {
                                       return QString::number(ms.count());
                                   }));
    const QCommandLineOption k(QStringLiteral("k"),
                               QStringLiteral("Live 60 s timers during the lateness workload."),
                               QStringLiteral("count,..."),
                               joined(defaults.latenessK,
                                      [](std::uint32_t k) { return QString::number(k); }));
    const QCommandLineOption count(QStringLiteral("count"),
                                   QStringLiteral("Measured timeouts of the lateness workload."),
                                   QStringLiteral("count"),
                                   QString::number(defaults.latenessCount));
    const QCommandLineOption idleN(QStringLiteral("idle-n"),
                                   QStringLiteral("Idle 60 s intervals in the idle workload."),
                                   QStringLiteral("count"), QString::number(defaults.idleN));
    const QCommandLineOption window(QStringLiteral("window"),
                                    QStringLiteral("Length of the idle workload's window, in ms."),
                                    QStringLiteral("ms"),
                                    QString::number(defaults.idleWindow.count()));
    const QCommandLineOption smoke(
            QStringLiteral("smoke"),
            QStringLiteral("Tiny sizes for a quick check that everything runs (CTest)."));
    parser.addOptions({workload, n, order, delay, k, count, idleN, window, smoke});
    parser.process(*QCoreApplication::instance());

    BenchOptions options = defaults;
    options.workloads = parser.value(workload) == QLatin1String("all")
            ? allWorkloads()
            : parser.value(workload).split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString &name : options.workloads) {
        if (!allWorkloads().contains(name))
            usageError(QStringLiteral("unknown workload '%1'").arg(name));
    }
    options.n = toCount(parser.value(n), "n");
    options.orders.clear();
    for (const QString &name : parser.value(order).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        IndexOrder::Kind kind;
        if (!IndexOrder::parse(name.toStdString(), &kind))
            usageError(QStringLiteral("unknown order '%1'").arg(name));
        options.orders.push_back(kind);
    }
    options.fireDelays.clear();
    for (const QString &ms : parser.value(delay).split(QLatin1Char(','), Qt::SkipEmptyParts))
        options.fireDelays.push_back(std::chrono::milliseconds(toCount(ms, "delay")));
    options.latenessK.clear();
    for (const QString &value : parser.value(k).split(QLatin1Char(','), Qt::SkipEmptyParts))
        options.latenessK.push_back(toCount(value, "k"));
    options.latenessCount = toCount(parser.value(count), "count");
    options.idleN = toCount(parser.value(idleN), "idle-n");
    options.idleWindow = std::chrono::milliseconds(toCount(parser.value(window), "window"));
    // A workload with no timer would wait forever for its last callback.
    if (options.n == 0 || options.latenessCount == 0 || options.idleN == 0)
        usageError(QStringLiteral("--n, --count and --idle-n need at least one timer"));

    if (parser.isSet(smoke)) {
        // Small enough for a few seconds in CI, large enough to exercise every path.
        options.n = std::min<std::uint32_t>(options.n, 500);
        options.latenessCount = 50;
        options.latenessK = {1000};
        options.idleN = 100;
        options.idleWindow = std::chrono::milliseconds(100);
    }
    return options;
}

} // namespace havel::bench
