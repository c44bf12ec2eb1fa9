// The inspector's content: the header figures and lateness plot, the banners that say why
// timers are not firing (a busy interpreter, a script that ended), the filter and "Stop all",
// the sortable column titles, the list of live timers and the history of ended ones.
//
// Timers made on one line are folded into a group (TimerGroupModel): a row with their count
// and summed figures, expanded with its arrow, Right/Left or Enter.
//
// Keyboard: Tab moves filter -> list -> buttons, with a visible focus ring. In the filter,
// Escape clears it and Down enters the list. In the list, Up/Down/PageUp/PageDown/Home/End
// move, Space pauses or resumes the current timer (or group), Delete stops it (a group after
// a confirmation), Right/Left expand and collapse a group, Ctrl+A selects every row, Ctrl+C
// copies the selected rows (else the current one) as CSV, Escape clears the selection, then
// goes back to the filter. Ctrl+click and Shift+click select rows. "Stop all" stops the rows
// the filter shows, after a confirmation.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Havel.Inspector
import "Format.js" as Format

Rectangle {
    id: view

    required property TimerListModel timerModel
    required property TimerFilterModel filterModel
    //! Now on the steady clock, ms; drives every row's countdown.
    property real now
    //! A line about the connection to an attached process, or empty.
    property string statusText
    //! Whether statusText is bad news (the script ended or died).
    property bool statusAlert
    //! Whether the history pane is open (at first: a timer that ends should not just vanish).
    property bool historyShown: true

    //! The rows the list shows: the filtered, sorted timers, with groups folded.
    readonly property alias groupModel: groupModel
    //! The selected rows, by TimerGroupModel key ("t12", "gdemo.hv:4") -> true. Reassigned,
    //! never changed in place, so that the rows' bindings see each change.
    property var selection: ({})
    //! The row a Shift+click extends the selection from.
    property int selectionAnchor: -1
    //! A short note after Copy or Export ("Copied 3 timers as CSV"), or empty.
    property string notice

    //! A row's schedule changed or rows scrolled into view: the clock may need to tick sooner.
    signal visibleRowsChanged()

    //! Selects as a click with @p modifiers on row @p row would.
    function clickRow(row, modifiers) {
        const key = groupModel.keyAt(row)
        listView.currentIndex = row
        let next = {}
        if (modifiers & Qt.ShiftModifier && selectionAnchor >= 0) {
            if (modifiers & Qt.ControlModifier)
                next = Object.assign({}, selection)
            const from = Math.min(selectionAnchor, row)
            const to = Math.max(selectionAnchor, row)
            for (let i = from; i <= to; ++i)
                next[groupModel.keyAt(i)] = true
        } else if (modifiers & Qt.ControlModifier) {
            next = Object.assign({}, selection)
            if (next[key])
                delete next[key]
            else
                next[key] = true
            selectionAnchor = row
        } else {
            next[key] = true
            selectionAnchor = row
        }
        selection = next
    }
    function selectAll() {
        const next = {}
        for (const key of groupModel.rowKeys())
            next[key] = true
        selection = next
    }
    function clearSelection() {
        selection = ({})
        selectionAnchor = -1
    }
    //! The ids the selection stands for, else those of the current row.
    function selectedIds() {
        const keys = Object.keys(selection)
        if (keys.length)
            return groupModel.idsOfKeys(keys)
        return listView.currentIndex >= 0 ? groupModel.idsAt(listView.currentIndex) : []
    }
    //! Puts @p text on the clipboard.
    function toClipboard(text) {
        clipboardBuffer.text = text
        clipboardBuffer.selectAll()
        clipboardBuffer.copy()
        clipboardBuffer.text = ""
    }
    //! Copies the selected rows (a group: its timers) as CSV, with a header line.
    function copySelection() {
        const ids = selectedIds()
        if (!ids.length) {
            notice = "Nothing to copy: select rows first (click, Ctrl+click, Shift+click, Ctrl+A)"
            return 0
        }
        toClipboard(timerModel.exportText(ids, "csv"))
        notice = "Copied " + Format.count(ids.length) + (ids.length === 1 ? " timer" : " timers") + " as CSV"
        return ids.length
    }
    //! Pauses (or resumes) every timer of group row @p row.
    function pauseGroup(row, pause) {
        const ids = groupModel.idsAt(row)
        for (let i = 0; i < ids.length; ++i)
            pause ? timerModel.pause(ids[i]) : timerModel.resume(ids[i])
    }
    //! Asks before stopping the timers of group row @p row.
    function askStopGroup(row) {
        const ids = groupModel.idsAt(row)
        if (!ids.length)
            return
        confirmStop.ids = ids
        confirmStop.question = "Stop the " + Format.count(ids.length) + " timers made at "
                + groupModel.data(groupModel.index(row, 0), TimerListModel.LabelRole) + "?"
        confirmStop.open()
    }
    function toggleGroup(row) {
        const item = listView.itemAtIndex(row)
        if (item && item.isGroup)
            groupModel.setExpanded(item.label, !item.expanded)
    }

    //! The soonest moment (ms from @p t) at which a row on screen will look different, or
    //! Infinity if none will by itself. Main.qml sets its clock by this.
    function msUntilVisibleChange(t) {
        let soonest = Infinity
        const rows = listView.contentItem.children
        const top = listView.contentY
        const bottom = top + listView.height
        for (let i = 0; i < rows.length; ++i) {
            const row = rows[i]
            if (!row.visible || row.msUntilChange === undefined)
                continue
            if (row.y + row.height < top || row.y > bottom)
                continue
            soonest = Math.min(soonest, row.msUntilChange(t))
        }
        return soonest
    }

    //! Asks before stopping the rows the filter shows.
    function askStopShown() {
        const ids = view.filterModel.shownIds()
        if (ids.length === 0)
            return
        confirmStop.ids = ids
        confirmStop.question = ids.length === view.timerModel.liveCount
                ? "Stop all " + Format.count(ids.length) + " live timers?"
                : "Stop the " + Format.count(ids.length) + " timers the filter shows?"
        confirmStop.open()
    }

    color: Theme.background

    TimerGroupModel {
        id: groupModel
        source: view.filterModel
    }
    // The clipboard, through the one QML type that reaches it.
    TextEdit {
        id: clipboardBuffer
        visible: false
    }

    Shortcut {
        sequences: [StandardKey.Find]
        onActivated: filterField.forceActiveFocus()
    }
    Shortcut {
        sequences: [StandardKey.Copy]
        // The filter field copies its own text.
        enabled: !filterField.activeFocus && !exportPopup.opened
        onActivated: view.copySelection()
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 16
        spacing: 10

        RowLayout {
            spacing: 10
            Layout.fillWidth: true

            Column {
                Layout.alignment: Qt.AlignVCenter
                Layout.rightMargin: 8
                Layout.fillWidth: true
                Layout.minimumWidth: 150
                spacing: 2
                Text {
                    text: "Havel timers"
                    font.pixelSize: 20
                    font.weight: Font.Bold
                    color: Theme.text
                }
                Text {
                    objectName: "statusText"
                    width: parent.width
                    text: view.statusText.length ? view.statusText : "live inspector"
                    font.pixelSize: 12
                    color: view.statusAlert ? Theme.error : Theme.muted
                    font.weight: view.statusAlert ? Font.DemiBold : Font.Normal
                    elide: Text.ElideRight
                }
            }
            StatTile {
                objectName: "liveTile"
                caption: "Live"
                value: Format.count(view.timerModel.liveCount)
            }
            StatTile {
                objectName: "pausedTile"
                caption: "Paused"
                value: Format.count(view.timerModel.pausedCount)
                valueColor: view.timerModel.pausedCount > 0 ? Theme.paused : Theme.text
            }
            StatTile {
                objectName: "rateTile"
                caption: "Fires / s"
                value: Format.rate(view.timerModel.firesPerSecond)
            }
            StatTile {
                objectName: "errorsTile"
                caption: "Errors (run)"
                value: Format.count(view.timerModel.totalErrors)
                valueColor: view.timerModel.totalErrors > 0 ? Theme.error : Theme.text
                detail: view.timerModel.failingCount > 0
                        ? "in " + view.timerModel.failingCount
                          + (view.timerModel.failingCount === 1 ? " live timer" : " live timers")
                        : ""
            }
            LatenessPlot {
                objectName: "latenessPlot"
                Layout.preferredWidth: 250
                Layout.minimumWidth: 150
                values: view.timerModel.latenessHistory
            }
            LatenessHistogram {
                objectName: "latenessHistogram"
                // Gives way first in a narrow window, so that the actions stay on screen.
                visible: view.width >= Theme.wideTable
                Layout.preferredWidth: 230
                Layout.minimumWidth: 190
                counts: view.timerModel.latenessBuckets
                edges: view.timerModel.latenessBucketEdgesMs
            }
        }

        // Why nothing fires: the interpreter has not been back to its event loop for a while.
        Rectangle {
            objectName: "busyBanner"
            Layout.fillWidth: true
            visible: view.timerModel.busyForMs > 0
            implicitHeight: 34
            radius: 6
            color: Theme.errorSoft
            border.color: Theme.error
            Text {
                objectName: "busyText"
                anchors.verticalCenter: parent.verticalCenter
                x: 12
                width: parent.width - 24
                text: "interpreter busy for " + Format.duration(view.timerModel.busyForMs)
                      + (view.timerModel.busyAt.length ? " at " + view.timerModel.busyAt : "")
                      + " — script code has run without a pause since; timers share its time slices"
                font.pixelSize: 13
                font.weight: Font.DemiBold
                color: Theme.error
                elide: Text.ElideRight
            }
        }

        RowLayout {
            Layout.fillWidth: true
            spacing: 10

            TextField {
                id: filterField
                objectName: "filterField"
                Layout.preferredWidth: 320
                Layout.minimumWidth: 180
                placeholderText: "Filter by label, error, kind, state, mode or #id"
                placeholderTextColor: Theme.muted
                color: Theme.text
                font.pixelSize: Theme.fontSize
                selectByMouse: true
                // Not focused at start: a focused field blinks its cursor twice a second,
                // which would be the idle window's only frames. Tab or Ctrl+F reach it.
                activeFocusOnTab: true
                onTextChanged: view.filterModel.filterText = text
                Keys.onEscapePressed: text = ""
                // The list comes right after the filter, before the buttons above it.
                KeyNavigation.tab: listView
                Keys.onDownPressed: {
                    listView.forceActiveFocus()
                    if (listView.currentIndex < 0 && listView.count > 0)
                        listView.currentIndex = 0
                }
                background: Rectangle {
                    implicitHeight: 32
                    radius: 6
                    color: Theme.card
                    border.color: filterField.activeFocus ? Theme.focus : Theme.border
                    border.width: filterField.activeFocus ? 2 : 1
                }
            }
            Text {
                objectName: "shownText"
                Layout.fillWidth: true
                Layout.minimumWidth: 60
                text: (groupModel.timerCount === view.timerModel.liveCount
                       ? Format.count(groupModel.timerCount)
                       : Format.count(groupModel.timerCount) + " of " + Format.count(view.timerModel.liveCount))
                      + (view.timerModel.liveCount === 1 ? " timer" : " timers")
                      + (groupModel.groupCount > 0 ? " · " + Format.count(groupModel.groupCount)
                                                     + (groupModel.groupCount === 1 ? " group" : " groups") : "")
                      + (view.notice.length ? " — " + view.notice : "")
                font.pixelSize: 12
                color: Theme.muted
                elide: Text.ElideRight
            }
            ActionButton {
                id: groupButton
                objectName: "groupButton"
                text: groupModel.grouped ? "Ungroup" : "Group by label"
                implicitHeight: 32
                activeFocusOnTab: true
                onClicked: groupModel.grouped = !groupModel.grouped
            }
            ActionButton {
                id: exportButton
                objectName: "exportButton"
                text: "Export…"
                implicitHeight: 32
                activeFocusOnTab: true
                onClicked: exportPopup.open()
            }
            ActionButton {
                id: historyButton
                objectName: "historyButton"
                text: (view.historyShown ? "Hide history" : "History") + " ("
                      + Format.count(view.timerModel.history.count) + ")"
                implicitHeight: 32
                activeFocusOnTab: true
                onClicked: view.historyShown = !view.historyShown
            }
            ActionButton {
                objectName: "stopAllButton"
                text: groupModel.timerCount === view.timerModel.liveCount
                      ? "Stop all" : "Stop " + Format.count(groupModel.timerCount) + " shown"
                tint: Theme.error
                filled: true
                implicitHeight: 32
                activeFocusOnTab: true
                enabled: groupModel.timerCount > 0
                opacity: enabled ? 1 : 0.5
                onClicked: view.askStopShown()
            }
        }

        Rectangle {
            id: table
            Layout.fillWidth: true
            Layout.fillHeight: true
            radius: 8
            color: Theme.card
            border.color: Theme.border
            clip: true

            readonly property bool showSkipped: width >= Theme.wideTable
            readonly property bool showCallback: width >= Theme.wideTable
            readonly property bool showLateness: width >= Theme.mediumTable

            RowLayout {
                id: titles
                anchors.left: parent.left
                anchors.right: parent.right
                anchors.leftMargin: 12
                anchors.rightMargin: 12
                height: 32
                spacing: Theme.spacing

                ColumnHeader {
                    Layout.preferredWidth: Theme.colState
                    text: "STATE"
                    role: TimerListModel.StateRole
                    filterModel: view.filterModel
                }
                ColumnHeader {
                    Layout.preferredWidth: Theme.colId
                    text: "ID"
                    role: TimerListModel.IdRole
                    filterModel: view.filterModel
                }
                ColumnHeader {
                    Layout.fillWidth: true
                    Layout.minimumWidth: 80
                    text: "LABEL"
                    role: TimerListModel.LabelRole
                    filterModel: view.filterModel
                }
                ColumnHeader {
                    Layout.preferredWidth: Theme.colMode
                    text: "MODE"
                    role: TimerListModel.ModeRole
                    filterModel: view.filterModel
                }
                ColumnHeader {
                    Layout.preferredWidth: Theme.colSchedule
                    text: "SCHEDULE"
                    role: TimerListModel.IntervalMsRole
                    filterModel: view.filterModel
                }
                ColumnHeader {
                    Layout.preferredWidth: Theme.colCountdown
                    text: "NEXT FIRE"
                    role: TimerListModel.NextDueMsRole
                    filterModel: view.filterModel
                }
                ColumnHeader {
                    Layout.preferredWidth: Theme.colFires
                    text: "FIRES"
                    role: TimerListModel.FireCountRole
                    filterModel: view.filterModel
                    alignment: Text.AlignRight
                }
                ColumnHeader {
                    Layout.preferredWidth: Theme.colRate
                    text: "FIRES/S"
                    role: TimerListModel.FiresPerSecondRole
                    filterModel: view.filterModel
                    alignment: Text.AlignRight
                }
                ColumnHeader {
                    visible: table.showSkipped
                    Layout.preferredWidth: Theme.colSkipped
                    text: "SKIPPED"
                    role: TimerListModel.SkippedTicksRole
                    filterModel: view.filterModel
                    alignment: Text.AlignRight
                }
                ColumnHeader {
                    Layout.preferredWidth: Theme.colErrors
                    text: "ERRORS"
                    role: TimerListModel.ErrorCountRole
                    filterModel: view.filterModel
                    alignment: Text.AlignRight
                }
                ColumnHeader {
                    visible: table.showLateness
                    Layout.preferredWidth: Theme.colLateness
                    text: "LATENESS"
                    role: TimerListModel.MaxLatenessMsRole
                    filterModel: view.filterModel
                    alignment: Text.AlignRight
                }
                ColumnHeader {
                    visible: table.showCallback
                    Layout.preferredWidth: Theme.colCallback
                    text: "CALLBACK"
                    role: TimerListModel.MaxCallbackMsRole
                    filterModel: view.filterModel
                    alignment: Text.AlignRight
                }
                Item {
                    Layout.preferredWidth: Theme.colActions
                }
            }
            Rectangle {
                anchors.top: titles.bottom
                width: parent.width
                height: 1
                color: Theme.border
            }

            ListView {
                id: listView
                objectName: "timerList"
                anchors.fill: parent
                anchors.topMargin: titles.height + 1
                anchors.bottomMargin: 1
                clip: true
                model: groupModel
                reuseItems: true
                boundsBehavior: Flickable.StopAtBounds
                activeFocusOnTab: true
                keyNavigationEnabled: true
                currentIndex: -1
                highlightFollowsCurrentItem: false
                ScrollBar.vertical: ScrollBar {}
                onContentYChanged: view.visibleRowsChanged()
                onHeightChanged: view.visibleRowsChanged()
                onActiveFocusChanged: {
                    if (activeFocus && currentIndex < 0 && count > 0)
                        currentIndex = 0
                }

                Keys.onSpacePressed: {
                    const row = currentItem
                    if (!row)
                        return
                    if (row.isGroup)
                        view.pauseGroup(currentIndex, !row.userPaused)
                    else
                        row.userPaused ? view.timerModel.resume(row.timerId) : view.timerModel.pause(row.timerId)
                }
                Keys.onDeletePressed: {
                    if (!currentItem)
                        return
                    if (currentItem.isGroup)
                        view.askStopGroup(currentIndex)
                    else
                        view.timerModel.stop(currentItem.timerId)
                }
                Keys.onRightPressed: {
                    if (currentItem && currentItem.isGroup && !currentItem.expanded)
                        groupModel.setExpanded(currentItem.label, true)
                }
                Keys.onLeftPressed: {
                    if (currentItem && currentItem.isGroup && currentItem.expanded)
                        groupModel.setExpanded(currentItem.label, false)
                }
                Keys.onReturnPressed: view.toggleGroup(currentIndex)
                Keys.onEscapePressed: {
                    if (Object.keys(view.selection).length)
                        view.clearSelection()
                    else
                        filterField.forceActiveFocus()
                }
                KeyNavigation.tab: groupButton
                KeyNavigation.backtab: filterField
                Keys.onPressed: (event) => {
                    if (event.key === Qt.Key_A && (event.modifiers & Qt.ControlModifier)) {
                        view.selectAll()
                        event.accepted = true
                    } else if (event.key === Qt.Key_Home) {
                        currentIndex = 0
                        event.accepted = true
                    } else if (event.key === Qt.Key_End) {
                        currentIndex = count - 1
                        event.accepted = true
                    }
                }

                delegate: TimerRow {
                    width: ListView.view.width
                    timerModel: view.timerModel
                    now: view.now
                    showSkipped: table.showSkipped
                    showLateness: table.showLateness
                    showCallback: table.showCallback
                    current: ListView.isCurrentItem
                    listFocused: listView.activeFocus
                    selected: view.selection[(isGroup ? "g" + label : "t" + timerId)] === true
                    onToggleExpanded: view.groupModel.setExpanded(label, !expanded)
                    onStopGroupRequested: view.askStopGroup(index)
                    onPauseGroupRequested: (pause) => view.pauseGroup(index, pause)
                    TapHandler {
                        id: rowTap
                        // Buttons and the arrow take their own clicks; this selects the row.
                        // (The tapped() signal's event point carries no modifiers; the
                        // handler's point does.)
                        onTapped: view.clickRow(index, rowTap.point.modifiers)
                    }
                    onNextDueMsChanged: view.visibleRowsChanged()
                    onTimerStateChanged: view.visibleRowsChanged()
                    onIntervalMsChanged: view.visibleRowsChanged()
                    Component.onCompleted: view.visibleRowsChanged()
                }
            }
            Text {
                objectName: "emptyText"
                anchors.centerIn: parent
                visible: listView.count === 0
                text: view.timerModel.liveCount === 0 ? "No live timers"
                                                      : "No timer matches the filter"
                font.pixelSize: 14
                color: Theme.muted
            }
        }

        HistoryPane {
            objectName: "historyPane"
            Layout.fillWidth: true
            Layout.preferredHeight: 170
            visible: view.historyShown
            history: view.timerModel.history
        }
    }

    Popup {
        id: confirmStop
        objectName: "confirmStop"

        //! The timers to stop, and the question to ask about them.
        property var ids: []
        property string question

        anchors.centerIn: parent
        modal: true
        focus: true
        padding: 20
        closePolicy: Popup.CloseOnEscape | Popup.CloseOnPressOutside
        onOpened: cancelButton.forceActiveFocus()
        background: Rectangle {
            radius: 8
            color: Theme.card
            border.color: Theme.border
        }
        contentItem: ColumnLayout {
            spacing: 14
            Text {
                objectName: "confirmText"
                text: confirmStop.question
                font.pixelSize: 15
                font.weight: Font.DemiBold
                color: Theme.text
            }
            Text {
                text: "Stopped timers do not come back; the script sees them as cleared."
                font.pixelSize: 12
                color: Theme.muted
            }
            RowLayout {
                Layout.alignment: Qt.AlignRight
                spacing: 8
                ActionButton {
                    id: cancelButton
                    objectName: "cancelStopButton"
                    text: "Cancel"
                    implicitHeight: 30
                    onClicked: confirmStop.close()
                    Keys.onReturnPressed: clicked()
                }
                ActionButton {
                    objectName: "confirmStopButton"
                    text: "Stop " + Format.count(confirmStop.ids.length)
                    tint: Theme.error
                    filled: true
                    implicitHeight: 30
                    Keys.onReturnPressed: clicked()
                    onClicked: {
                        view.timerModel.stopTimers(confirmStop.ids)
                        confirmStop.close()
                    }
                }
            }
        }
    }

    // Export: every live timer (not only the shown ones) as CSV or JSON, to the clipboard or
    // a file. A path field rather than a file dialog: it works the same on every desktop, over
    // Xvfb and offscreen, and the suggested name is ready to save.
    Popup {
        id: exportPopup
        objectName: "exportPopup"

        //! The outcome of the last action, or empty.
        property string result
        property bool failed

        anchors.centerIn: parent
        modal: true
        focus: true
        padding: 20
        width: Math.min(parent.width - 40, 560)
        closePolicy: Popup.CloseOnEscape | Popup.CloseOnPressOutside
        onOpened: {
            result = ""
            pathField.text = view.timerModel.suggestedExportPath("csv")
            pathField.forceActiveFocus()
        }
        background: Rectangle {
            radius: 8
            color: Theme.card
            border.color: Theme.border
        }

        function copyAs(format) {
            view.toClipboard(view.timerModel.exportText([], format))
            failed = false
            result = "Copied " + Format.count(view.timerModel.liveCount) + " timers as " + format.toUpperCase()
        }
        function saveAs(format) {
            let path = pathField.text.trim()
            // The suggested name follows the format chosen.
            path = path.replace(/\.(csv|json)$/i, "." + format)
            pathField.text = path
            const problem = view.timerModel.exportToFile(path, [], format)
            failed = problem.length > 0
            result = failed ? problem : "Saved " + Format.count(view.timerModel.liveCount) + " timers to " + path
        }

        contentItem: ColumnLayout {
            spacing: 12
            Text {
                text: "Export all " + Format.count(view.timerModel.liveCount) + " live timers"
                font.pixelSize: 15
                font.weight: Font.DemiBold
                color: Theme.text
            }
            RowLayout {
                spacing: 8
                ActionButton {
                    objectName: "copyCsvButton"
                    text: "Copy CSV"
                    onClicked: exportPopup.copyAs("csv")
                }
                ActionButton {
                    objectName: "copyJsonButton"
                    text: "Copy JSON"
                    onClicked: exportPopup.copyAs("json")
                }
            }
            TextField {
                id: pathField
                objectName: "exportPath"
                Layout.fillWidth: true
                color: Theme.text
                font.pixelSize: 12
                selectByMouse: true
                background: Rectangle {
                    implicitHeight: 30
                    radius: 6
                    color: Theme.background
                    border.color: pathField.activeFocus ? Theme.focus : Theme.border
                    border.width: pathField.activeFocus ? 2 : 1
                }
            }
            RowLayout {
                spacing: 8
                ActionButton {
                    objectName: "saveCsvButton"
                    text: "Save CSV"
                    tint: Theme.accent
                    filled: true
                    onClicked: exportPopup.saveAs("csv")
                }
                ActionButton {
                    objectName: "saveJsonButton"
                    text: "Save JSON"
                    onClicked: exportPopup.saveAs("json")
                }
                Item { Layout.fillWidth: true }
                ActionButton {
                    text: "Close"
                    onClicked: exportPopup.close()
                }
            }
            Text {
                objectName: "exportResult"
                Layout.fillWidth: true
                visible: exportPopup.result.length > 0
                text: exportPopup.result
                wrapMode: Text.Wrap
                font.pixelSize: 12
                color: exportPopup.failed ? Theme.error : Theme.active
            }
        }
    }
}
