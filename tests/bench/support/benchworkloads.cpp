#include "benchworkloads.h"

#include "samplestats.h"

namespace havel::bench {

namespace {

double perSecond(double count, std::int64_t ns)
{
    return ns > 0 ? count * 1e9 / double(ns) : 0.0;
}

double toMs(std::int64_t ns)
{
    return double(ns) / 1e6;
}

} // namespace

void BenchWorkloads::run(const BenchOptions &options)
{
    for (const QString &workload : options.workloads) {
        if (workload == QLatin1String("create_cancel")) {
            for (const auto order : options.orders)
                createCancel(options.n, order);
        } else if (workload == QLatin1String("fire")) {
            for (const auto delay : options.fireDelays)
                fire(options.n, delay);
        } else if (workload == QLatin1String("lateness")) {
            for (const std::uint32_t k : options.latenessK)
                lateness(options.latenessCount, k);
        } else if (workload == QLatin1String("memory")) {
            memory(options.n);
        } else if (workload == QLatin1String("idle")) {
            idle(options.idleN, options.idleWindow);
        } else if (workload == QLatin1String("handover")) {
            handover(options.n);
        } else if (workload == QLatin1String("lateness_cold")) {
            for (const std::uint32_t k : options.latenessK)
                latenessCold(options.latenessCount, k);
        } else if (workload == QLatin1String("million")) {
            million(options.n, options.latenessCount);
        }
    }
}

std::int64_t BenchWorkloads::nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
}

std::chrono::milliseconds BenchWorkloads::latenessDelay(std::uint32_t i, std::uint32_t count)
{
    return std::chrono::milliseconds(count > 1 ? 10 + std::int64_t(i) * 490 / (count - 1) : 10);
}

JsonLine BenchWorkloads::createCancelResult(IndexOrder::Kind order, std::uint32_t n,
                                            const CreateCancelTimes &t) const
{
    JsonLine line(implName(), "create_cancel");
    line.add("order", IndexOrder::name(order))
            .add("n", std::size_t(n))
            .add("create_ms", toMs(t.createdNs - t.startNs))
            .add("cancel_ms", toMs(t.callsDoneNs - t.createdNs))
            .add("call_rate_per_s", perSecond(2.0 * n, t.callsDoneNs - t.startNs))
            .add("processed_rate_per_s", perSecond(2.0 * n, t.drainedNs - t.startNs))
            .add("total_ms", toMs(t.drainedNs - t.startNs));
    return line;
}

JsonLine BenchWorkloads::fireResult(std::chrono::milliseconds delay, std::uint32_t n,
                                    const FireTimes &t) const
{
    JsonLine line(implName(), "fire");
    line.add("delay_ms", std::int64_t(delay.count()))
            .add("n", std::size_t(n))
            .add("create_ms", toMs(t.createdNs - t.startNs))
            .add("first_callback_ms", toMs(t.firstNs - t.startNs))
            .add("total_ms", toMs(t.lastNs - t.startNs))
            .add("callbacks_per_s", perSecond(n, t.lastNs - t.startNs));
    return line;
}

JsonLine BenchWorkloads::latenessResult(std::uint32_t k, const LatenessSamples &samples,
                                        const char *workload) const
{
    // Lateness against the deadline taken when the call began: what the script asked for,
    // and the one reference every implementation shares. "Early" is judged against the
    // implementation's own deadline, which it took during the call.
    const std::size_t count = samples.ranNs.size();
    std::vector<std::int64_t> latenessNs(count);
    std::size_t early = 0;
    for (std::size_t i = 0; i < count; ++i) {
        latenessNs[i] = samples.ranNs[i] - samples.callDueNs[i];
        early += samples.ranNs[i] < samples.ownDueNs[i] ? 1 : 0;
    }
    const SampleStats stats(std::move(latenessNs));
    JsonLine line(implName(), workload);
    line.add("k", std::size_t(k))
            .add("n", count)
            .add("p50_us", double(stats.percentile(50)) / 1e3)
            .add("p99_us", double(stats.percentile(99)) / 1e3)
            .add("max_us", double(stats.max()) / 1e3)
            .add("min_us", double(stats.min()) / 1e3)
            .add("early", early);
    return line;
}

JsonLine BenchWorkloads::memoryResult(std::uint32_t n, std::int64_t beforeBytes,
                                      std::int64_t afterBytes) const
{
    JsonLine line(implName(), "memory");
    line.add("n", std::size_t(n))
            .add("rss_delta_bytes", afterBytes - beforeBytes)
            .add("bytes_per_timer", double(afterBytes - beforeBytes) / double(n));
    return line;
}

JsonLine BenchWorkloads::idleResult(std::uint32_t n, const IdleWindow::Result &window) const
{
    const double seconds = window.window.count();
    JsonLine line(implName(), "idle");
    line.add("n", std::size_t(n))
            .add("window_s", seconds)
            .add("wakeups_per_s", double(window.wakeups) / seconds)
            .add("cpu_ms_per_s", toMs(window.cpuNs) / seconds)
            // The timers are 60 s ones: in a shorter window, not one fire is due.
            .add("fires_due", std::int64_t(n) * std::int64_t(seconds / kLongDelay.count()));
    return line;
}

} // namespace havel::bench
