// The timers that ended while the inspector watched, newest first: how each ended (finished,
// stopped, failed), its counts, its last error and when it ended.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Havel.Inspector
import "Format.js" as Format

Rectangle {
    id: pane

    required property TimerHistoryModel history

    radius: 8
    color: Theme.card
    border.color: Theme.border
    clip: true

    Text {
        id: caption
        x: 12
        y: 8
        text: "HISTORY · last " + Format.count(pane.history.count) + " ended"
        font.pixelSize: 11
        font.letterSpacing: 0.6
        font.weight: Font.DemiBold
        color: Theme.muted
    }
    ListView {
        id: historyList
        objectName: "historyList"
        anchors.fill: parent
        anchors.topMargin: caption.y + caption.height + 6
        anchors.bottomMargin: 1
        clip: true
        model: pane.history
        boundsBehavior: Flickable.StopAtBounds
        ScrollBar.vertical: ScrollBar {}

        delegate: Rectangle {
            required property int index
            required property real timerId
            required property int kind
            required property string label
            required property real intervalMs
            required property int end
            required property real fireCount
            required property real errorCount
            required property string lastError
            required property var endedAt

            width: ListView.view.width
            height: 28
            color: index % 2 ? Theme.stripe : Theme.card

            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 12
                anchors.rightMargin: 12
                spacing: Theme.spacing
                Text {
                    objectName: "endText"
                    Layout.preferredWidth: 70
                    text: end === TimerHistoryModel.Failed ? "failed"
                          : end === TimerHistoryModel.Finished ? "finished" : "stopped"
                    font.pixelSize: 11
                    font.weight: Font.DemiBold
                    color: end === TimerHistoryModel.Failed ? Theme.error
                           : end === TimerHistoryModel.Finished ? Theme.active : Theme.muted
                }
                Text {
                    Layout.preferredWidth: Theme.colId
                    text: "#" + timerId
                    font.pixelSize: 12
                    font.family: Theme.monoFamily
                    color: Theme.muted
                }
                Text {
                    Layout.preferredWidth: 200
                    text: label.length ? label : "(no label)"
                    font.pixelSize: 12
                    color: Theme.text
                    elide: Text.ElideMiddle
                }
                Text {
                    Layout.preferredWidth: Theme.colSchedule
                    text: Format.schedule(kind === 1, intervalMs)
                    font.pixelSize: 12
                    color: Theme.text
                }
                Text {
                    Layout.preferredWidth: 150
                    text: Format.count(fireCount) + " fires · " + Format.count(errorCount) + " errors"
                    font.pixelSize: 12
                    font.family: Theme.monoFamily
                    color: errorCount > 0 ? Theme.error : Theme.text
                }
                Text {
                    Layout.fillWidth: true
                    text: lastError
                    font.pixelSize: 12
                    color: Theme.error
                    elide: Text.ElideRight
                }
                Text {
                    text: "ended " + Qt.formatTime(endedAt, "hh:mm:ss")
                    font.pixelSize: 12
                    font.family: Theme.monoFamily
                    color: Theme.muted
                }
            }
        }
    }
    Text {
        anchors.centerIn: parent
        visible: historyList.count === 0
        text: "No timer has ended yet"
        font.pixelSize: 12
        color: Theme.muted
    }
}
