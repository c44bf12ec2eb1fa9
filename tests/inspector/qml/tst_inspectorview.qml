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
            verify(button.enabled)
            mouseClick(button)
            tryCompare(list, "count", 0)
            compare(fixture.liveCount(), 0)
            verify(!button.enabled)
            tryCompare(findChild(view, "emptyText"), "visible", true)
            compare(findChild(view, "emptyText").text, "No live timers")
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
