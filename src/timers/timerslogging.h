#pragma once

#include <QtCore/QLoggingCategory>

namespace havel {
//! Diagnostics of the timer module: refused input, failed callbacks, shutdown.
Q_DECLARE_LOGGING_CATEGORY(lcTimers)
} // namespace havel
