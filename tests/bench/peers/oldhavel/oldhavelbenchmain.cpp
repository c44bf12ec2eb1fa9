// havel-bench-old: issue 5's workloads against the old Havel timer design (the baseline).
// Its default sizes are N = 2000 and K = 0: the old design costs a thread per timer.
#include "benchoptions.h"
#include "oldhavelbench.h"

#include <QtCore/QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("havel-bench-old"));
    havel::bench::BenchOptions defaults;
    defaults.n = 2000;
    defaults.latenessK = {0};
    const auto options = havel::bench::BenchOptions::parse(
            QStringLiteral("Benchmarks the old Havel timer design (a detached thread per "
                           "timer); prints one JSON line per result."),
            defaults);
    havel::bench::OldHavelBench().run(options);
    return 0;
}
