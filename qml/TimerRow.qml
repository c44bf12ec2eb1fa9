// One live timer: state, id, label, schedule, countdown, counters, timings and its actions.
// Rows whose callbacks have thrown are tinted red and show the last error as a tooltip.
// The same delegate shows a group of timers made on one line (TimerGroupModel): an arrow
// that expands it, its count, its members' figures summed (fires, fires/s, errors) or at
// their worst, and actions that act on every member.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Havel.Inspector
import "Format.js" as Format

Rectangle {
    id: row

    // Roles of TimerListModel (raw values).
    required property int index
    required property real timerId
    required property int kind
    required property string label
    required property real intervalMs
    required property int timerState
    required property real nextDueMs
    required property real remainingMs
    required property real fireCount
    required property real firesPerSecond
    required property real skippedTicks
    required property real errorCount
    required property string lastError
    required property real lastLatenessMs
    required property real maxLatenessMs
    required property real lastCallbackMs
    required property real maxCallbackMs
    required property int pauseReasons
    required property string mode
    // Roles of TimerGroupModel.
    required property int groupSize
    required property int groupPaused
    required property bool expanded
    required property bool inGroup

    //! The model the actions call into.
    property TimerListModel timerModel
    //! Now on the steady clock, ms (TimerListModel::steadyNowMs), ticking while visible.
    property real now
    //! Which optional columns fit (InspectorView drops them as the window narrows).
    property bool showSkipped: true
    property bool showLateness: true
    property bool showCallback: true
    //! The keyboard's current row: drawn with a focus ring while the list has focus.
    property bool current: false
    property bool listFocused: false
    //! Selected for "Copy" (Ctrl+click, Shift+click).
    property bool selected: false

    readonly property bool isGroup: groupSize > 0

    //! The arrow was clicked: expand or collapse this group.
    signal toggleExpanded()
    //! Stop on a group row: the view asks before stopping its timers.
    signal stopGroupRequested()
    //! Pause or Resume on a group row: the view applies it to every member.
    signal pauseGroupRequested(bool pause)

    readonly property bool paused: timerState === TimerListModel.Paused
    //! Some, not all, of a group's timers are paused.
    readonly property bool partlyPaused: isGroup && groupPaused > 0 && groupPaused < groupSize
    //! The user's own pause (the script's h.pause() or the inspector's Pause); Resume clears
    //! only this one, so a timer outside its mode stays paused.
    readonly property bool userPaused: (pauseReasons & TimerListModel.PausedByUser) !== 0
    readonly property bool modePaused: (pauseReasons & TimerListModel.PausedByMode) !== 0
    //! "mode gaming", "user, mode gaming" or "" (paused by the user alone, or active).
    readonly property string pausedWhy: modePaused ? (userPaused ? "user, " : "") + "mode " + mode : ""
    readonly property bool failing: errorCount > 0
    //! Time to the next fire, ms; negative once due (frozen while paused).
    readonly property real countdownMs: paused ? remainingMs : nextDueMs - now
    //! Due this long ago and still not fired: the interpreter is not getting to it.
    //! A timeout that has fired and is still live is running its callback now.
    readonly property bool running: kind === TimerListModel.Timeout && fireCount > 0
    readonly property bool overdue: !paused && !running && -countdownMs >= Theme.overdueAfterMs

    //! How long from @p t until this row looks different (its countdown text or bar), ms;
    //! Infinity if it will not change by itself (paused).
    function msUntilChange(t) {
        if (paused || running)
            return Infinity
        const r = nextDueMs - t
        if (r <= 0) {
            const late = -r
            if (late < Theme.overdueAfterMs)
                return Theme.overdueAfterMs - late
            return late < 60000 ? 100 - (late % 100) : 1000 - (late % 1000)
        }
        // The countdown text, at the resolution Format.countdown shows r with.
        let step = r < 1000 ? 16 : r < 60000 ? (r % 100) : (r % 60000)
        // The bar's next whole pixel.
        const msPerPixel = intervalMs / Math.max(1, countdown.trackWidth)
        if (intervalMs > 0)
            step = Math.min(step, msPerPixel - ((intervalMs - r) % msPerPixel))
        return Math.max(1, Math.min(step + 1, r + 1))
    }

    implicitHeight: Theme.rowHeight
    color: selected ? Theme.accentSoft
                    : failing ? Theme.errorRow : isGroup ? Theme.groupRow : (index % 2 ? Theme.stripe : Theme.card)

    //! A failing row shows its last error while hovered.
    readonly property bool showsTooltip: failing && hover.hovered
    //! The tooltip of a failing row.
    readonly property string tooltipText: "Last error (" + Format.count(errorCount) + " in all): "
                                          + lastError

    // The last value over the worst one, right-aligned, or a dash before the first fire.
    component TimingCell: Column {
        property real lastMs
        property real maxMs
        property bool fired

        Text {
            objectName: "lastText"
            width: parent.width
            horizontalAlignment: Text.AlignRight
            text: parent.fired ? Format.duration(parent.lastMs) : "–"
            font.pixelSize: 12
            font.family: Theme.monoFamily
            color: Theme.text
        }
        Text {
            objectName: "maxText"
            width: parent.width
            visible: parent.fired
            horizontalAlignment: Text.AlignRight
            text: "max " + Format.duration(parent.maxMs)
            font.pixelSize: 10
            font.family: Theme.monoFamily
            color: Theme.muted
        }
    }

    HoverHandler {
        id: hover
    }
    ToolTip {
        id: errorTip
        objectName: "errorTip"
        visible: row.showsTooltip
        delay: 250
        text: row.tooltipText
        // Just above the row, where the pointer entered it.
        x: Math.min(hover.point.position.x, row.width - width)
        y: -height - 2
        padding: 8
        contentItem: Text {
            text: errorTip.text
            font.pixelSize: 12
            color: Theme.tooltipText
            wrapMode: Text.Wrap
        }
        background: Rectangle {
            color: Theme.tooltip
            radius: 5
        }
    }
    Rectangle {
        objectName: "focusRing"
        anchors.fill: parent
        anchors.margins: 1
        visible: row.current && row.listFocused
        color: "transparent"
        border.color: Theme.focus
        border.width: 2
        radius: 3
        z: 2
    }
    Rectangle {
        visible: row.failing
        width: 3
        height: parent.height
        color: Theme.error
    }
    Rectangle {
        anchors.bottom: parent.bottom
        width: parent.width
        height: 1
        color: Theme.border
        opacity: 0.6
    }

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: 12
        anchors.rightMargin: 12
        spacing: Theme.spacing

        Item {
            Layout.preferredWidth: Theme.colState
            Layout.fillHeight: true
            Rectangle {
                anchors.verticalCenter: parent.verticalCenter
                width: Math.min(parent.width, stateText.implicitWidth + 18)
                clip: true
                height: 20
                radius: 10
                color: row.paused || row.partlyPaused ? Theme.pausedSoft : Theme.activeSoft
                Text {
                    id: stateText
                    objectName: "stateText"
                    anchors.centerIn: parent
                    text: row.partlyPaused ? Format.count(row.groupPaused) + " paused"
                                           : row.paused ? "Paused" : "Active"
                    font.pixelSize: 11
                    font.weight: Font.DemiBold
                    color: row.paused || row.partlyPaused ? Theme.paused : Theme.active
                }
            }
        }
        Text {
            objectName: "idText"
            Layout.preferredWidth: Theme.colId
            // A group shows an arrow that expands it instead of one id.
            text: row.isGroup ? (row.expanded ? "▾" : "▸") : "#" + row.timerId
            font.pixelSize: row.isGroup ? 16 : Theme.fontSize
            font.family: Theme.monoFamily
            color: row.isGroup ? Theme.accent : Theme.muted
            MouseArea {
                objectName: "expander"
                anchors.fill: parent
                enabled: row.isGroup
                cursorShape: row.isGroup ? Qt.PointingHandCursor : Qt.ArrowCursor
                onClicked: row.toggleExpanded()
            }
        }
        Row {
            Layout.fillWidth: true
            Layout.minimumWidth: 80
            spacing: 8
            clip: true
            Text {
                objectName: "labelText"
                // Members of an expanded group are indented under it.
                leftPadding: row.inGroup ? 18 : 0
                width: Math.min(implicitWidth, parent.width - (countPill.visible ? countPill.width + 8 : 0))
                text: row.label.length ? row.label : "(no label)"
                font.pixelSize: Theme.fontSize
                font.weight: row.isGroup ? Font.DemiBold : Font.Medium
                color: row.label.length ? Theme.text : Theme.muted
                elide: Text.ElideMiddle
                anchors.verticalCenter: parent.verticalCenter
            }
            Rectangle {
                id: countPill
                visible: row.isGroup
                anchors.verticalCenter: parent.verticalCenter
                width: countText.implicitWidth + 12
                height: 18
                radius: 9
                color: Theme.accentSoft
                Text {
                    id: countText
                    objectName: "groupCountText"
                    anchors.centerIn: parent
                    text: "×" + Format.count(row.groupSize)
                    font.pixelSize: 11
                    font.weight: Font.DemiBold
                    color: Theme.accent
                }
            }
        }
        Text {
            objectName: "modeText"
            Layout.preferredWidth: Theme.colMode
            text: row.mode.length ? row.mode : "–"
            font.pixelSize: 12
            color: row.modePaused ? Theme.paused : row.mode.length ? Theme.text : Theme.muted
            elide: Text.ElideRight
        }
        Text {
            objectName: "scheduleText"
            Layout.preferredWidth: Theme.colSchedule
            text: Format.schedule(row.kind === TimerListModel.Interval, row.intervalMs)
            font.pixelSize: 12
            color: Theme.text
            elide: Text.ElideRight
        }
        CountdownBar {
            objectName: "countdown"
            Layout.preferredWidth: Theme.colCountdown
            id: countdown
            remainingMs: row.countdownMs
            intervalMs: row.intervalMs
            paused: row.paused
            overdue: row.overdue
            running: row.running
            pausedWhy: row.pausedWhy
        }
        Text {
            objectName: "firesText"
            Layout.preferredWidth: Theme.colFires
            horizontalAlignment: Text.AlignRight
            text: Format.count(row.fireCount)
            font.pixelSize: Theme.fontSize
            font.family: Theme.monoFamily
            color: Theme.text
        }
        Text {
            objectName: "rateText"
            Layout.preferredWidth: Theme.colRate
            horizontalAlignment: Text.AlignRight
            text: Format.rate(row.firesPerSecond)
            font.pixelSize: Theme.fontSize
            font.family: Theme.monoFamily
            color: Theme.text
        }
        Text {
            objectName: "skippedText"
            visible: row.showSkipped
            Layout.preferredWidth: Theme.colSkipped
            horizontalAlignment: Text.AlignRight
            text: Format.count(row.skippedTicks)
            font.pixelSize: Theme.fontSize
            font.family: Theme.monoFamily
            color: row.skippedTicks > 0 ? Theme.paused : Theme.muted
        }
        Text {
            objectName: "errorsText"
            Layout.preferredWidth: Theme.colErrors
            horizontalAlignment: Text.AlignRight
            text: Format.count(row.errorCount)
            font.pixelSize: Theme.fontSize
            font.family: Theme.monoFamily
            font.weight: row.failing ? Font.Bold : Font.Normal
            color: row.failing ? Theme.error : Theme.muted
        }
        TimingCell {
            objectName: "latenessCell"
            visible: row.showLateness
            Layout.preferredWidth: Theme.colLateness
            lastMs: row.lastLatenessMs
            maxMs: row.maxLatenessMs
            fired: row.fireCount > 0
        }
        TimingCell {
            objectName: "callbackCell"
            visible: row.showCallback
            Layout.preferredWidth: Theme.colCallback
            lastMs: row.lastCallbackMs
            maxMs: row.maxCallbackMs
            fired: row.fireCount > 0
        }
        Row {
            Layout.preferredWidth: Theme.colActions
            layoutDirection: Qt.RightToLeft
            spacing: 6
            ActionButton {
                objectName: "stopButton"
                text: "Stop" // on a group, the view asks first
                tint: Theme.error
                onClicked: row.isGroup ? row.stopGroupRequested() : row.timerModel.stop(row.timerId)
            }
            ActionButton {
                objectName: "pauseButton"
                width: 74
                // A group: Resume once every member is paused by the user, else Pause.
                text: row.userPaused ? "Resume" : "Pause"
                tint: row.userPaused ? Theme.active : Theme.paused
                onClicked: {
                    if (row.isGroup)
                        row.pauseGroupRequested(!row.userPaused)
                    else if (row.userPaused)
                        row.timerModel.resume(row.timerId)
                    else
                        row.timerModel.pause(row.timerId)
                }
            }
        }
    }
}
