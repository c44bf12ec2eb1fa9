// The inspector's content: the header figures and lateness plot, the banners that say why
// timers are not firing (a busy interpreter, a script that ended), the filter and "Stop all",
// the sortable column titles, the list of live timers and the history of ended ones.
//
// Keyboard: Tab moves filter -> list -> buttons, with a visible focus ring. In the filter,
// Escape clears it and Down enters the list. In the list, Up/Down/PageUp/PageDown/Home/End
// move, Space pauses or resumes the current timer, Delete stops it, Escape goes back to the
// filter. "Stop all" stops the rows the filter shows, after a confirmation.
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

    //! A row's schedule changed or rows scrolled into view: the clock may need to tick sooner.
    signal visibleRowsChanged()

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
        if (listView.count === 0)
            return
        confirmStop.count = listView.count
        confirmStop.open()
    }

    color: Theme.background

    Shortcut {
        sequences: [StandardKey.Find]
        onActivated: filterField.forceActiveFocus()
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
                Layout.preferredWidth: 260
                Layout.minimumWidth: 180
                values: view.timerModel.latenessHistory
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
                text: listView.count === view.timerModel.liveCount
                      ? Format.count(listView.count) + " timers"
                      : Format.count(listView.count) + " of " + Format.count(view.timerModel.liveCount)
                        + " timers"
                font.pixelSize: 12
                color: Theme.muted
            }
            Item { Layout.fillWidth: true }
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
                text: listView.count === view.timerModel.liveCount ? "Stop all"
                                                                   : "Stop " + Format.count(listView.count) + " shown"
                tint: Theme.error
                filled: true
                implicitHeight: 32
                activeFocusOnTab: true
                enabled: listView.count > 0
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
                model: view.filterModel
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
                    if (row)
                        row.userPaused ? view.timerModel.resume(row.timerId) : view.timerModel.pause(row.timerId)
                }
                Keys.onDeletePressed: {
                    if (currentItem)
                        view.timerModel.stop(currentItem.timerId)
                }
                Keys.onEscapePressed: filterField.forceActiveFocus()
                KeyNavigation.tab: historyButton
                KeyNavigation.backtab: filterField
                Keys.onPressed: (event) => {
                    if (event.key === Qt.Key_Home) {
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

        property int count

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
                text: confirmStop.count === view.timerModel.liveCount
                      ? "Stop all " + Format.count(confirmStop.count) + " live timers?"
                      : "Stop the " + Format.count(confirmStop.count) + " timers the filter shows?"
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
                    text: "Stop " + Format.count(confirmStop.count)
                    tint: Theme.error
                    filled: true
                    implicitHeight: 30
                    Keys.onReturnPressed: clicked()
                    onClicked: {
                        view.timerModel.stopTimers(view.filterModel.shownIds())
                        confirmStop.close()
                    }
                }
            }
        }
    }
}
