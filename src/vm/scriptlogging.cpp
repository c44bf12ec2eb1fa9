#include "scriptlogging.h"

namespace havel::script {
Q_LOGGING_CATEGORY(lcScript, "havel.script", QtWarningMsg)
} // namespace havel::script
