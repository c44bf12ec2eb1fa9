// havel-bench: issue 5's workloads against havel::TimerManager, one JSON line per result.
// run-benchmarks.sh runs it next to the Node.js peer and the old-design baseline.
#include "benchoptions.h"
#include "corebench.h"

#include <QtCore/QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("havel-bench"));
    const auto options = havel::bench::BenchOptions::parse(
            QStringLiteral("Benchmarks havel::TimerManager; prints one JSON line per result."),
            havel::bench::BenchOptions());
    havel::bench::CoreBench().run(options);
    return 0;
}
