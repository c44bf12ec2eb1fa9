#include "oldhaveltimers.h"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

namespace havel::bench {

namespace {

using namespace std::chrono_literals;
using RunningFlag = std::shared_ptr<std::atomic<bool>>;

constexpr auto kPollStep = 10ms;

// The old design's global registry.
std::shared_mutex g_timersLock;
std::unordered_map<OldHavelTimers::TimerId, RunningFlag> g_timers; // guarded by g_timersLock
std::atomic<OldHavelTimers::TimerId> g_nextId{1};

// Instrumentation only: the count of timer threads that have not exited.
std::mutex g_threadsLock;
std::condition_variable g_threadExited;
std::size_t g_runningThreads = 0; // guarded by g_threadsLock

} // namespace

OldHavelTimers::TimerId OldHavelTimers::setTimeout(std::chrono::milliseconds delay,
                                                   Callback callback)
{
    return start(delay, std::move(callback), false);
}

OldHavelTimers::TimerId OldHavelTimers::setInterval(std::chrono::milliseconds interval,
                                                    Callback callback)
{
    return start(interval, std::move(callback), true);
}

OldHavelTimers::TimerId OldHavelTimers::start(std::chrono::milliseconds delay, Callback callback,
                                              bool repeat)
{
    const TimerId id = g_nextId.fetch_add(1);
    auto running = std::make_shared<std::atomic<bool>>(true);
    {
        std::unique_lock lock(g_timersLock);
        g_timers.emplace(id, running);
    }
    {
        std::lock_guard lock(g_threadsLock);
        ++g_runningThreads;
    }
    std::thread([id, delay, repeat, running, callback = std::move(callback)] {
        // As in the old design, the thread measures the delay from its own start.
        auto due = std::chrono::steady_clock::now() + delay;
        while (running->load()) {
            std::this_thread::sleep_for(kPollStep);
            if (!running->load())
                break;
            if (std::chrono::steady_clock::now() < due)
                continue;
            callback();
            if (!repeat)
                break;
            due += delay;
        }
        {
            std::unique_lock lock(g_timersLock);
            g_timers.erase(id);
        }
        std::lock_guard lock(g_threadsLock);
        --g_runningThreads;
        g_threadExited.notify_all();
    }).detach();
    return id;
}

bool OldHavelTimers::stopTimer(TimerId id)
{
    std::unique_lock lock(g_timersLock);
    const auto it = g_timers.find(id);
    if (it == g_timers.end())
        return false;
    it->second->store(false);
    g_timers.erase(it);
    return true;
}

std::size_t OldHavelTimers::cleanupAllTimers()
{
    std::unique_lock lock(g_timersLock);
    for (const auto &[id, running] : g_timers)
        running->store(false);
    const std::size_t stopped = g_timers.size();
    g_timers.clear();
    return stopped;
}

std::size_t OldHavelTimers::activeTimerCount()
{
    std::shared_lock lock(g_timersLock);
    return g_timers.size();
}

std::size_t OldHavelTimers::runningThreads()
{
    std::lock_guard lock(g_threadsLock);
    return g_runningThreads;
}

void OldHavelTimers::waitForRunningThreads(std::size_t count)
{
    std::unique_lock lock(g_threadsLock);
    g_threadExited.wait(lock, [count] { return g_runningThreads <= count; });
}

} // namespace havel::bench
