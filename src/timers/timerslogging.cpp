#include "timerslogging.h"

namespace havel {
Q_LOGGING_CATEGORY(lcTimers, "havel.timers")
} // namespace havel
