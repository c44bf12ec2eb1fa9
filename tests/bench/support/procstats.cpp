#include "procstats.h"

#include <cstdio>
#include <cstdlib>

#include <dirent.h>

#include <sys/syscall.h>
#include <unistd.h>

namespace havel::bench {

std::int64_t ProcStats::residentBytes()
{
    std::FILE *file = std::fopen("/proc/self/statm", "r");
    if (!file)
        return -1;
    long long sizePages = 0;
    long long residentPages = 0;
    const int read = std::fscanf(file, "%lld %lld", &sizePages, &residentPages);
    std::fclose(file);
    if (read != 2)
        return -1;
    return residentPages * sysconf(_SC_PAGESIZE);
}

int ProcStats::currentThreadId()
{
    return int(syscall(SYS_gettid));
}

ProcStats::ThreadSample ProcStats::thread(int tid)
{
    ThreadSample sample;
    char path[64];

    std::snprintf(path, sizeof path, "/proc/self/task/%d/schedstat", tid);
    if (std::FILE *file = std::fopen(path, "r")) {
        long long cpuNs = 0;
        if (std::fscanf(file, "%lld", &cpuNs) == 1) {
            sample.cpuNs = cpuNs;
            sample.valid = true;
        }
        std::fclose(file);
    }

    std::snprintf(path, sizeof path, "/proc/self/task/%d/status", tid);
    if (std::FILE *file = std::fopen(path, "r")) {
        char line[256];
        long long value = 0;
        while (std::fgets(line, sizeof line, file)) {
            if (std::sscanf(line, "voluntary_ctxt_switches: %lld", &value) == 1)
                sample.voluntarySwitches = value;
            else if (std::sscanf(line, "nonvoluntary_ctxt_switches: %lld", &value) == 1)
                sample.involuntarySwitches = value;
        }
        std::fclose(file);
    } else {
        sample.valid = false;
    }
    return sample;
}

std::map<int, ProcStats::ThreadSample> ProcStats::threads()
{
    std::map<int, ThreadSample> samples;
    DIR *tasks = opendir("/proc/self/task");
    if (!tasks)
        return samples;
    while (const dirent *entry = readdir(tasks)) {
        const int tid = std::atoi(entry->d_name);
        if (tid <= 0)
            continue;
        // A thread may end between the listing and the read; it then has no sample.
        if (const ThreadSample sample = thread(tid); sample.valid)
            samples.emplace(tid, sample);
    }
    closedir(tasks);
    return samples;
}

ProcStats::ThreadSample ProcStats::difference(const ThreadSample &before, const ThreadSample &after)
{
    ThreadSample delta;
    delta.cpuNs = after.cpuNs - before.cpuNs;
    delta.voluntarySwitches = after.voluntarySwitches - before.voluntarySwitches;
    delta.involuntarySwitches = after.involuntarySwitches - before.involuntarySwitches;
    delta.valid = before.valid && after.valid;
    return delta;
}

} // namespace havel::bench
