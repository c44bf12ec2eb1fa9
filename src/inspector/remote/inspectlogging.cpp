#include "inspectlogging.h"

namespace havel {
Q_LOGGING_CATEGORY(lcInspect, "havel.inspect")
}
