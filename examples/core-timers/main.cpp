// The timer core in a QCoreApplication: a heartbeat interval that stops itself after five
// beats, then a one-shot timeout that quits. Callbacks run on the thread of their context
// object, here the main thread, whose event loop app.exec() runs: without that loop no
// callback would ever run.
#include <havel/timermanager.h>

#include <QtCore/QCoreApplication>

#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    havel::TimerManager timers; // starts its own timer thread; any thread may call it

    int beats = 0;
    havel::TimerId heartbeat = havel::InvalidTimerId;
    // The callback cannot run before setInterval() returns: it runs on this thread's loop.
    heartbeat = timers.setInterval(&app, 100ms, [&] {
        std::printf("heartbeat %d\n", ++beats);
        if (beats < 5)
            return;
        timers.stopTimer(heartbeat); // once this returns, no heartbeat callback runs again
        timers.setTimeout(&app, 50ms, [&app] {
            std::printf("done\n");
            app.quit();
        });
    });
    return app.exec();
}
