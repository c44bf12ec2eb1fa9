#pragma once

#include <QtCore/QLoggingCategory>

namespace havel::script {
//! Diagnostics of the interpreter and the host: collections, shutdown, refused input.
Q_DECLARE_LOGGING_CATEGORY(lcScript)
} // namespace havel::script
