// The GUI host's window: on the left what the script drives (a clock and a status line), on
// the right the live timer inspector of the same script, as a panel of this window.
import QtQuick
import QtQuick.Layouts
import Havel.Inspector

Window {
    id: window

    required property QtObject host
    required property TimerListModel timerModel
    required property TimerFilterModel filterModel

    //! Now on the steady clock, ms: the inspector's countdowns are computed from it.
    property real now: timerModel.steadyNowMs()

    function twoDigits(n) { return (n < 10 ? "0" : "") + n }

    width: 1500
    height: 640
    minimumWidth: 1360
    minimumHeight: 420
    visible: true
    title: "Havel GUI host: " + host.scriptName
    color: "#eef1f5"

    Timer {
        interval: 33
        repeat: true
        running: window.visible
        onTriggered: window.now = window.timerModel.steadyNowMs()
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        Rectangle {
            Layout.preferredWidth: 340
            Layout.fillHeight: true
            color: "#ffffff"

            ColumnLayout {
                anchors.fill: parent
                anchors.margins: 24
                spacing: 12

                Text {
                    text: "Script clock"
                    font.pixelSize: 14
                    color: "#667085"
                }
                Text {
                    objectName: "clockText"
                    readonly property int s: window.host.clockSeconds
                    text: window.twoDigits(Math.floor(s / 3600)) + ":"
                          + window.twoDigits(Math.floor(s / 60) % 60) + ":" + window.twoDigits(s % 60)
                    font.pixelSize: 64
                    font.weight: Font.Bold
                    font.family: "DejaVu Sans Mono"
                    color: "#1c2333"
                }
                Text {
                    text: "set by the script's 1 s interval, on its interpreter thread"
                    wrapMode: Text.WordWrap
                    Layout.fillWidth: true
                    font.pixelSize: 12
                    color: "#667085"
                }
                Item { Layout.fillHeight: true }
                Text {
                    objectName: "statusCaption"
                    text: window.host.running ? "Status" : "Status (script ended)"
                    font.pixelSize: 14
                    color: "#667085"
                }
                Text {
                    objectName: "statusText"
                    text: window.host.status
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                    font.pixelSize: 15
                    color: window.host.statusIsError ? "#c62828" : "#1c2333"
                }
            }
        }

        InspectorView {
            objectName: "inspectorPanel"
            Layout.fillWidth: true
            Layout.fillHeight: true
            timerModel: window.timerModel
            filterModel: window.filterModel
            now: window.now
        }
    }
}
