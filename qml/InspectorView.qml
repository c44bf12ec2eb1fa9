// The inspector's content: the header figures and lateness plot, the filter and "Stop all",
// the sortable column titles and the list of live timers.
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

    color: Theme.background

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 16
        spacing: 12

        RowLayout {
            spacing: 10
            Layout.fillWidth: true

            Column {
                Layout.alignment: Qt.AlignVCenter
                Layout.rightMargin: 8
                spacing: 2
                Text {
                    text: "Havel timers"
                    font.pixelSize: 20
                    font.weight: Font.Bold
                    color: Theme.text
                }
                Text {
                    objectName: "statusText"
                    text: view.statusText.length ? view.statusText
                                                 : "live inspector · updates 10× a second"
                    font.pixelSize: 12
                    color: Theme.muted
                }
            }
            Item { Layout.fillWidth: true }
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
                caption: "Errors"
                value: Format.count(view.timerModel.totalErrors)
                valueColor: view.timerModel.totalErrors > 0 ? Theme.error : Theme.text
                detail: view.timerModel.failingCount > 0
                        ? "in " + view.timerModel.failingCount
                          + (view.timerModel.failingCount === 1 ? " timer" : " timers")
                        : ""
            }
            LatenessPlot {
                objectName: "latenessPlot"
                values: view.timerModel.latenessHistory
            }
        }

        RowLayout {
            Layout.fillWidth: true
            spacing: 10

            TextField {
                id: filterField
                objectName: "filterField"
                Layout.preferredWidth: 360
                placeholderText: "Filter by label, error, kind, state or #id"
                font.pixelSize: Theme.fontSize
                selectByMouse: true
                onTextChanged: view.filterModel.filterText = text
                background: Rectangle {
                    implicitHeight: 32
                    radius: 6
                    color: Theme.card
                    border.color: filterField.activeFocus ? Theme.accent : Theme.border
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
                objectName: "stopAllButton"
                text: "Stop all"
                tint: Theme.error
                filled: true
                implicitHeight: 32
                enabled: view.timerModel.liveCount > 0
                opacity: enabled ? 1 : 0.5
                onClicked: view.timerModel.stopAll()
            }
        }

        Rectangle {
            Layout.fillWidth: true
            Layout.fillHeight: true
            radius: 8
            color: Theme.card
            border.color: Theme.border
            clip: true

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
                    Layout.preferredWidth: Theme.colLateness
                    text: "LATENESS"
                    role: TimerListModel.MaxLatenessMsRole
                    filterModel: view.filterModel
                    alignment: Text.AlignRight
                }
                ColumnHeader {
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
                ScrollBar.vertical: ScrollBar {}

                delegate: TimerRow {
                    width: ListView.view.width
                    timerModel: view.timerModel
                    now: view.now
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
    }
}
