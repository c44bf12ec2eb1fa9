// Time to the next fire: a bar that fills up as the fire approaches, and the time left.
import QtQuick
import "Format.js" as Format

Item {
    id: bar

    //! Time left until the next fire, ms.
    property real remainingMs
    //! The full period (or delay) the bar counts down from, ms.
    property real intervalMs
    property bool paused

    readonly property real progress: intervalMs <= 0 ? 1
                                        : Math.max(0, Math.min(1, 1 - remainingMs / intervalMs))

    implicitHeight: 24

    Rectangle {
        id: track
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.verticalCenter: parent.verticalCenter
        anchors.verticalCenterOffset: 6
        height: 5
        radius: 2.5
        color: bar.paused ? Theme.pausedSoft : Theme.accentSoft

        Rectangle {
            width: track.width * bar.progress
            height: parent.height
            radius: parent.radius
            color: bar.paused ? Theme.paused : Theme.accent
        }
    }
    Text {
        objectName: "countdownText"
        anchors.left: parent.left
        anchors.bottom: track.top
        anchors.bottomMargin: 2
        text: (bar.paused ? "paused · " : "in ") + Format.duration(bar.remainingMs)
        font.pixelSize: 11
        font.family: Theme.monoFamily
        color: bar.paused ? Theme.paused : Theme.muted
    }
}
