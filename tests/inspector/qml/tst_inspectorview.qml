// InspectorView over a live model: rows follow the timers, the header sums them up, and the
// filter, the column titles, the row buttons and "Stop all" all work.
import QtQuick
import QtTest
import Havel.Inspector

Item {
    id: root
    width: 1280
    height: 640

    Component {
        id: viewComponent
        InspectorView {
            anchors.fill: parent
            timerModel: fixture.timerModel
            filterModel: fixture.filterModel
            now: fixture.timerModel.steadyNowMs()
        }
    }

    TestCase {
        name: "InspectorView"
        when: windowShown

        property var view
        property var list

        function init() {
            fixture.reset()
            view = createTemporaryObject(viewComponent, root)
            verify(view)
            list = findChild(view, "timerList")
            verify(list)
        }

        function cleanup() {
            fixture.reset()
        }

        //! The delegate showing the timer labelled @p label, or null.
        function rowLabelled(label) {
            for (let i = 0; i < list.count; ++i) {
                const row = list.itemAtIndex(i)
                if (row && row.label === label)
                    return row
            }
            return null
        }

        function firstLabel() {
            const row = list.itemAtIndex(0)
            return row ? row.label : ""
        }

        function tileValue(name) {
            return findChild(findChild(view, name), "statValue").text
        }

        function test_rowsAndHeaderFollowTimers() {
            verify(findChild(view, "emptyText").visible)
            fixture.startInterval(60000, "one.hv:1")
            fixture.startInterval(60000, "two.hv:2")
            const three = fixture.startTimeout(60000, "three.hv:3")
            tryCompare(list, "count", 3)
            // ListView signals its new count when it next lays out, so bindings on it lag a frame.
            tryCompare(findChild(view, "emptyText"), "visible", false)
            compare(tileValue("liveTile"), "3")
            compare(tileValue("pausedTile"), "0")

            fixture.pause(three)
            tryCompare(view.timerModel, "pausedCount", 1)
            compare(tileValue("pausedTile"), "1")
            tryCompare(rowLabelled("three.hv:3"), "timerState", TimerListModel.Paused)
            compare(findChild(rowLabelled("three.hv:3"), "stateText").text, "Paused")
        }

        function test_pauseResumeStopFromTheRow() {
            const id = fixture.startInterval(60000, "target.hv:1")
            fixture.startInterval(60000, "bystander.hv:2")
            tryVerify(() => rowLabelled("target.hv:1") && rowLabelled("bystander.hv:2"))

            mouseClick(findChild(rowLabelled("target.hv:1"), "pauseButton"))
            tryVerify(() => fixture.isPaused(id))
            tryCompare(findChild(rowLabelled("target.hv:1"), "pauseButton"), "text", "Resume")

            mouseClick(findChild(rowLabelled("target.hv:1"), "pauseButton"))
            tryVerify(() => !fixture.isPaused(id))
            tryCompare(findChild(rowLabelled("target.hv:1"), "stateText"), "text", "Active")

            mouseClick(findChild(rowLabelled("target.hv:1"), "stopButton"))
            tryVerify(() => !fixture.isLive(id))
            tryCompare(list, "count", 1)
            tryVerify(() => rowLabelled("bystander.hv:2") !== null)
        }

        function test_stopAll() {
            for (let i = 0; i < 5; ++i)
                fixture.startInterval(60000, "many.hv:" + i)
            tryCompare(list, "count", 5)
            const button = findChild(view, "stopAllButton")
            tryCompare(button, "enabled", true)
            mouseClick(button)
            const confirm = findChild(view, "confirmStop")
            tryCompare(confirm, "opened", true)
            compare(fixture.liveCount(), 5) // nothing stopped before the answer
            mouseClick(findChild(confirm.contentItem, "confirmStopButton"))
            tryCompare(list, "count", 0)
            compare(fixture.liveCount(), 0)
            tryCompare(button, "enabled", false)
            tryCompare(findChild(view, "emptyText"), "visible", true)
            compare(findChild(view, "emptyText").text, "No live timers")
        }

        function test_stopAllAsksAndCanBeCancelled() {
            for (let i = 0; i < 3; ++i)
                fixture.startInterval(60000, "keep.hv:" + i)
            tryCompare(list, "count", 3)
            const confirm = findChild(view, "confirmStop")
            tryCompare(findChild(view, "stopAllButton"), "enabled", true)
            waitForRendering(view)
            mouseClick(findChild(view, "stopAllButton"))
            tryCompare(confirm, "opened", true)
            // The safe answer has the focus: Space or Return on it cancels.
            keyClick(Qt.Key_Space)
            tryCompare(confirm, "visible", false)
            compare(fixture.liveCount(), 3)
            mouseClick(findChild(view, "stopAllButton"))
            tryCompare(confirm, "opened", true)
            keyClick(Qt.Key_Escape)
            tryCompare(confirm, "opened", false)
            compare(fixture.liveCount(), 3)
        }

        function test_stopAllStopsOnlyTheFilteredRows() {
            fixture.startInterval(60000, "net/a.hv:1")
            fixture.startInterval(60000, "net/b.hv:2")
            fixture.startInterval(60000, "ui/c.hv:3")
            tryCompare(list, "count", 3)
            findChild(view, "filterField").text = "net/"
            tryCompare(list, "count", 2)
            const button = findChild(view, "stopAllButton")
            tryCompare(button, "text", "Stop 2 shown")
            mouseClick(button)
            const confirm = findChild(view, "confirmStop")
            tryCompare(confirm, "opened", true)
            compare(findChild(confirm.contentItem, "confirmText").text,
                    "Stop the 2 timers the filter shows?")
            mouseClick(findChild(confirm.contentItem, "confirmStopButton"))
            tryCompare(list, "count", 0)
            compare(fixture.liveCount(), 1)
        }

        function test_keyboard() {
            fixture.startInterval(60000, "k1.hv:1")
            const second = fixture.startInterval(60000, "k2.hv:2")
            tryCompare(list, "count", 2)
            const field = findChild(view, "filterField")
            field.forceActiveFocus()
            keySequence("z,z")
            tryCompare(list, "count", 0)
            // Escape clears the filter.
            keyClick(Qt.Key_Escape)
            compare(field.text, "")
            tryCompare(list, "count", 2)
            // Tab goes to the list, not to "Stop all"; the current row wears a focus ring.
            keyClick(Qt.Key_Tab)
            verify(list.activeFocus)
            compare(list.currentIndex, 0)
            verify(findChild(list.currentItem, "focusRing").visible)
            keyClick(Qt.Key_Down)
            compare(list.currentIndex, 1)
            // Space pauses and resumes the current timer; Delete stops it.
            keyClick(Qt.Key_Space)
            tryVerify(() => fixture.isPaused(second))
            keyClick(Qt.Key_Space)
            tryVerify(() => !fixture.isPaused(second))
            keyClick(Qt.Key_Delete)
            tryVerify(() => !fixture.isLive(second))
            tryCompare(list, "count", 1)
            // Escape goes back to the filter; Tab twice more reaches the buttons, each ringed.
            keyClick(Qt.Key_Escape)
            verify(field.activeFocus)
            keyClick(Qt.Key_Tab)
            verify(list.activeFocus)
            keyClick(Qt.Key_Tab)
            const history = findChild(view, "historyButton")
            verify(history.activeFocus)
            verify(history.visualFocus)
            keyClick(Qt.Key_Tab)
            verify(findChild(view, "stopAllButton").activeFocus)
            // Space on "Stop all" only asks.
            keyClick(Qt.Key_Space)
            tryCompare(findChild(view, "confirmStop"), "opened", true)
            compare(fixture.liveCount(), 1)
            keyClick(Qt.Key_Escape)
        }

        function test_historyKeepsEndedTimers() {
            fixture.startInterval(60000, "gone.hv:1")
            tryVerify(() => rowLabelled("gone.hv:1") !== null)
            mouseClick(findChild(rowLabelled("gone.hv:1"), "stopButton"))
            tryCompare(list, "count", 0)
            tryVerify(() => view.timerModel.history.count >= 1)
            const pane = findChild(view, "historyPane")
            verify(pane.visible) // open at first
            mouseClick(findChild(view, "historyButton"))
            verify(!pane.visible)
            mouseClick(findChild(view, "historyButton"))
            verify(pane.visible)
            const historyList = findChild(pane, "historyList")
            tryVerify(() => historyList.count >= 1)
            compare(findChild(historyList.itemAtIndex(0), "endText").text, "stopped")
        }

        function test_narrowWindowKeepsActionsOnScreen() {
            root.width = 1000 - 32
            fixture.startInterval(60000, "narrow.hv:1")
            tryCompare(list, "count", 1)
            const row = rowLabelled("narrow.hv:1")
            const stop = findChild(row, "stopButton")
            const p = stop.mapToItem(root, stop.width, 0)
            verify(p.x <= root.width, "Stop ends at " + p.x + " of " + root.width)
            const all = findChild(view, "stopAllButton")
            verify(all.mapToItem(root, all.width, 0).x <= root.width)
            root.width = 1280
        }

        function test_filter() {
            fixture.startInterval(60000, "net/poll.hv:1")
            fixture.startInterval(60000, "ui/blink.hv:2")
            fixture.startInterval(60000, "net/retry.hv:3")
            tryCompare(list, "count", 3)
            const field = findChild(view, "filterField")
            mouseClick(field)
            keySequence("n,e,t,/")
            compare(field.text, "net/")
            tryCompare(list, "count", 2)
            tryCompare(findChild(view, "shownText"), "text", "2 of 3 timers")
            field.text = "nothing"
            tryCompare(list, "count", 0)
            tryCompare(findChild(view, "emptyText"), "visible", true)
            compare(findChild(view, "emptyText").text, "No timer matches the filter")
        }

        function test_sortByColumnTitle() {
            fixture.startInterval(60000, "slow.hv:1")
            fixture.startInterval(5, "fast.hv:2")
            tryCompare(list, "count", 2)
            const header = findChild(view, "columnHeader:FIRES")
            verify(header)
            mouseClick(header)
            compare(view.filterModel.sortKey, TimerListModel.FireCountRole)
            verify(view.filterModel.descending)
            tryVerify(() => firstLabel() === "fast.hv:2")
            mouseClick(header)
            verify(!view.filterModel.descending)
            tryVerify(() => firstLabel() === "slow.hv:1")
        }

        function test_errorsInHeaderAndRow() {
            fixture.startFailing(10, "bad.hv:1", "kaput")
            fixture.startInterval(60000, "good.hv:2")
            tryVerify(() => view.timerModel.totalErrors > 0, 3000)
            tryVerify(() => tileValue("errorsTile") !== "0")
            const bad = rowLabelled("bad.hv:1")
            tryVerify(() => Qt.colorEqual(bad.color, Theme.errorRow))
            verify(!Qt.colorEqual(rowLabelled("good.hv:2").color, Theme.errorRow))
            verify(bad.tooltipText.endsWith("kaput"))
        }

        function test_latenessPlotIsFed() {
            fixture.startInterval(5, "busy.hv:1")
            const plot = findChild(view, "latenessPlot")
            tryVerify(() => plot.values.length >= 3, 3000)
        }
    }
}
