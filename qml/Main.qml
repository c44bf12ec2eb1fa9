// The inspector window. havel::InspectorWindow creates it with the two models.
//
// Cost when idle: nothing here ticks on its own. The clock that moves the countdowns runs only
// while a visible row will look different at some future moment, and is set for exactly that
// moment (the next whole pixel of a bar, the next digit of a countdown), so an idle window
// draws no frames at all.
import QtQuick
import QtQuick.Window
import Havel.Inspector

Window {
    id: window

    required property TimerListModel timerModel
    required property TimerFilterModel filterModel
    //! A line about the connection (havel-inspector --attach), or empty.
    property string statusText
    //! Whether statusText is bad news (the script ended or died).
    property bool statusAlert

    //! Now on the steady clock, ms. The rows compute their countdowns from it.
    property real now: timerModel.steadyNowMs()

    //! Brings `now` up to date; InspectorWindow::grabToFile calls it before a grab.
    function syncClock() {
        now = timerModel.steadyNowMs()
    }

    //! Sets the clock for the next visible change of any row on screen, or stops it.
    function scheduleClock() {
        const wait = view.msUntilVisibleChange(timerModel.steadyNowMs())
        if (!isFinite(wait)) {
            clock.stop()
            return
        }
        clock.interval = Math.max(16, Math.min(Math.ceil(wait), 60000))
        clock.restart()
    }

    width: 1280
    height: 640
    minimumWidth: 1000
    minimumHeight: 420
    title: "Havel timer inspector"
    color: Theme.background

    Timer {
        id: clock
        repeat: false
        onTriggered: {
            window.syncClock()
            window.scheduleClock()
        }
    }
    onVisibleChanged: Qt.callLater(window.scheduleClock)

    InspectorView {
        id: view
        anchors.fill: parent
        timerModel: window.timerModel
        filterModel: window.filterModel
        now: window.now
        statusText: window.statusText
        statusAlert: window.statusAlert
        //! A row's schedule changed, or rows moved into view: look again when to tick.
        onVisibleRowsChanged: {
            window.syncClock()
            Qt.callLater(window.scheduleClock)
        }
    }
}
