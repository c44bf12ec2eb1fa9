// The logging category of the inspector channel (publishing, attaching, refused peers).
#pragma once

#include <QtCore/QLoggingCategory>

namespace havel {
Q_DECLARE_LOGGING_CATEGORY(lcInspect)
}
