// Registers the inspector's C++ models (from src/inspector) as types of the Havel.Inspector
// QML module, so QML can name them in typed properties and read their enums
// (TimerListModel.Paused). C++ creates them; QML only uses them.
#pragma once

#include "timerfiltermodel.h"
#include "timergroupmodel.h"
#include "timerhistorymodel.h"
#include "timerlistmodel.h"

#include <QtQml/qqml.h>

struct TimerListModelForeign
{
    Q_GADGET
    QML_FOREIGN(havel::TimerListModel)
    QML_NAMED_ELEMENT(TimerListModel)
    QML_UNCREATABLE("TimerListModel is created by havel::InspectorWindow")
};

struct TimerFilterModelForeign
{
    Q_GADGET
    QML_FOREIGN(havel::TimerFilterModel)
    QML_NAMED_ELEMENT(TimerFilterModel)
    QML_UNCREATABLE("TimerFilterModel is created by havel::InspectorWindow")
};

struct TimerHistoryModelForeign
{
    Q_GADGET
    QML_FOREIGN(havel::TimerHistoryModel)
    QML_NAMED_ELEMENT(TimerHistoryModel)
    QML_UNCREATABLE("TimerHistoryModel belongs to a TimerListModel")
};

struct TimerGroupModelForeign
{
    Q_GADGET
    QML_FOREIGN(havel::TimerGroupModel)
    QML_NAMED_ELEMENT(TimerGroupModel)
};
