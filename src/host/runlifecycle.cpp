#include "runlifecycle.h"

#include <QtCore/QObject>

namespace havel::script {

RunLifecycle::RunLifecycle(QObject *context, Hooks hooks)
    : m_context(context), m_hooks(std::move(hooks))
{
}

void RunLifecycle::bodyEnded()
{
    m_bodyDone = true;
    if (m_exitWhenDone)
        requestFinish(0);
    else
        scheduleCheck();
}

void RunLifecycle::scheduleCheck()
{
    if (m_checkQueued || m_stopping)
        return;
    m_checkQueued = true;
    // Deferred to the next loop iteration: a fiber that is ending is still on the stack.
    QMetaObject::invokeMethod(
            m_context,
            [this] {
                m_checkQueued = false;
                check();
            },
            Qt::QueuedConnection);
}

void RunLifecycle::check()
{
    if (m_stopping || m_hooks.hasWork())
        return;
    if (m_bodyDone) {
        requestFinish(0);
    } else {
        m_hooks.deadlock();
        requestFinish(70);
    }
}

void RunLifecycle::requestFinish(int exitCode)
{
    if (m_stopping)
        return;
    m_stopping = true;
    m_exitCode = exitCode;
    m_hooks.stop();
    // Teardown from the event loop: the request may come from inside a running fiber.
    QMetaObject::invokeMethod(m_context, [this] { complete(); }, Qt::QueuedConnection);
}

void RunLifecycle::complete()
{
    if (m_finished)
        return;
    m_hooks.teardown();
    m_finished = true;
    m_hooks.finished(m_exitCode);
}

void RunLifecycle::teardownNow()
{
    if (m_finished)
        return;
    m_hooks.stop();
    m_hooks.teardown();
    m_finished = true;
}

} // namespace havel::script
