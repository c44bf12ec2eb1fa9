// The inspector window. havel::InspectorWindow creates it with the two models.
import QtQuick
import QtQuick.Window
import Havel.Inspector

Window {
    id: window

    required property TimerListModel timerModel
    required property TimerFilterModel filterModel
    //! A line about the connection (havel-inspector --attach), or empty.
    property string statusText

    //! Now on the steady clock, ms. The rows compute their countdowns from it.
    property real now: timerModel.steadyNowMs()

    //! Brings `now` up to date; InspectorWindow::grabToFile calls it before a grab.
    function syncClock() {
        now = timerModel.steadyNowMs()
    }

    width: 1280
    height: 640
    minimumWidth: 1000
    minimumHeight: 360
    title: "Havel timer inspector"
    color: Theme.background

    // The model updates 10× a second; the countdowns move smoothly at 30 frames a second,
    // computed from each row's due time, with no model traffic.
    Timer {
        interval: 33
        repeat: true
        running: window.visible
        onTriggered: window.syncClock()
    }

    InspectorView {
        anchors.fill: parent
        timerModel: window.timerModel
        filterModel: window.filterModel
        now: window.now
        statusText: window.statusText
    }
}
