// Time to the next fire: a bar that fills up as the fire approaches, and the time left; or how
// long an active timer is overdue, in red, when it has not fired well after its due time.
import QtQuick
import "Format.js" as Format

Item {
    id: bar

    //! Time left until the next fire, ms; negative once due.
    property real remainingMs
    //! The full period (or delay) the bar counts down from, ms.
    property real intervalMs
    property bool paused
    //! Why it is paused, for the text ("paused · mode gaming"); empty: just "paused".
    property string pausedWhy
    //! Shown as overdue (not "due now") from this lateness on.
    property bool overdue
    //! A timeout whose callback runs now.
    property bool running

    readonly property real progress: intervalMs <= 0 ? 1
                                        : Math.max(0, Math.min(1, 1 - remainingMs / intervalMs))
    //! The bar's length in whole pixels: a sub-pixel move would cost a frame for nothing.
    readonly property int fillWidth: Math.round(track.width * progress)
    readonly property real trackWidth: track.width

    implicitHeight: 24

    Rectangle {
        id: track
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.verticalCenter: parent.verticalCenter
        anchors.verticalCenterOffset: 6
        height: 5
        radius: 2.5
        color: bar.overdue ? Theme.errorSoft : bar.paused ? Theme.pausedSoft : Theme.accentSoft

        Rectangle {
            width: bar.fillWidth
            height: parent.height
            radius: parent.radius
            color: bar.overdue ? Theme.error : bar.paused ? Theme.paused : Theme.accent
        }
    }
    Text {
        objectName: "countdownText"
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: track.top
        anchors.bottomMargin: 2
        // Why, when it is not only the user: the column is narrow, and the time left matters
        // less than what will resume it.
        text: bar.paused ? (bar.pausedWhy.length ? "paused · " + bar.pausedWhy
                                                 : "paused · " + Format.duration(bar.remainingMs))
              : bar.running ? "running callback"
              : bar.overdue ? "overdue " + Format.duration(-bar.remainingMs)
              : bar.remainingMs <= 0 ? "due now"
              : "in " + Format.countdown(bar.remainingMs)
        font.pixelSize: 11
        font.family: Theme.monoFamily
        font.weight: bar.overdue ? Font.Bold : Font.Normal
        color: bar.overdue ? Theme.error : bar.paused ? Theme.paused : Theme.muted
        elide: Text.ElideRight
    }
}
