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
            // Escape goes back to the filter; Tab goes on to the buttons, each ringed.
            keyClick(Qt.Key_Escape)
            verify(field.activeFocus)
            keyClick(Qt.Key_Tab)
            verify(list.activeFocus)
            keyClick(Qt.Key_Tab)
            verify(findChild(view, "groupButton").activeFocus)
            verify(findChild(view, "groupButton").visualFocus)
            keyClick(Qt.Key_Tab)
            verify(findChild(view, "exportButton").activeFocus)
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

        //! The text the clipboard holds.
        function clipboardText() {
            const edit = createTemporaryQmlObject("import QtQuick; TextEdit {}", root)
            edit.paste()
            return edit.text
        }

        function test_groupsTimersMadeOnOneLine() {
            for (let i = 0; i < 5; ++i)
                fixture.startInterval(60000, "loop.hv:3")
            fixture.startInterval(30000, "one.hv:1")
            // Two rows, not six: the five timers of loop.hv:3 fold into one group.
            tryCompare(list, "count", 2)
            tryCompare(findChild(view, "shownText"), "text", "6 timers · 1 group")
            const group = rowLabelled("loop.hv:3")
            verify(group.isGroup)
            compare(group.groupSize, 5)
            compare(findChild(group, "groupCountText").text, "×5")
            compare(findChild(group, "idText").text, "▸")
            // The arrow expands it: the members follow, indented; again collapses it.
            mouseClick(findChild(group, "expander"))
            tryCompare(list, "count", 7)
            compare(findChild(rowLabelled("loop.hv:3"), "idText").text, "▾")
            verify(list.itemAtIndex(2).inGroup)
            mouseClick(findChild(rowLabelled("loop.hv:3"), "expander"))
            tryCompare(list, "count", 2)
            // The keyboard: Right expands the current group, Left collapses it.
            list.forceActiveFocus()
            list.currentIndex = 0
            verify(list.currentItem.isGroup)
            keyClick(Qt.Key_Right)
            tryCompare(list, "count", 7)
            keyClick(Qt.Key_Left)
            tryCompare(list, "count", 2)
            // Space pauses every timer of the group; the row says so, and Space resumes them.
            keyClick(Qt.Key_Space)
            tryCompare(view.timerModel, "pausedCount", 5)
            tryCompare(findChild(rowLabelled("loop.hv:3"), "stateText"), "text", "Paused")
            compare(findChild(rowLabelled("loop.hv:3"), "pauseButton").text, "Resume")
            keyClick(Qt.Key_Space)
            tryCompare(view.timerModel, "pausedCount", 0)
            // "Ungroup" shows one row per timer.
            mouseClick(findChild(view, "groupButton"))
            tryCompare(list, "count", 6)
            mouseClick(findChild(view, "groupButton"))
            tryCompare(list, "count", 2)
        }

        function test_groupSumsRatesAndStopsAfterAsking() {
            for (let i = 0; i < 3; ++i)
                fixture.startInterval(20, "spawn.hv:4")
            fixture.startInterval(60000, "main.hv:1")
            tryCompare(list, "count", 2)
            const group = rowLabelled("spawn.hv:4")
            // Summed: three timers of 50/s; generous bounds for a busy machine.
            tryVerify(() => rowLabelled("spawn.hv:4").firesPerSecond > 60, 10000)
            verify(rowLabelled("spawn.hv:4").firesPerSecond < 200)
            const before = fixture.liveCount()
            mouseClick(findChild(rowLabelled("spawn.hv:4"), "stopButton"))
            const confirm = findChild(view, "confirmStop")
            tryCompare(confirm, "opened", true)
            compare(findChild(confirm.contentItem, "confirmText").text,
                    "Stop the 3 timers made at spawn.hv:4?")
            compare(fixture.liveCount(), before)
            mouseClick(findChild(confirm.contentItem, "confirmStopButton"))
            tryCompare(list, "count", 1)
            compare(fixture.liveCount(), 1)
        }

        function test_sortBySeveralColumns() {
            // Two modes' worth of schedules: SCHEDULE then, with Shift, LABEL breaks its ties.
            fixture.startInterval(60000, "b.hv:2")
            fixture.startInterval(30000, "c.hv:3")
            fixture.startInterval(60000, "a.hv:1")
            tryCompare(list, "count", 3)
            const schedule = findChild(view, "columnHeader:SCHEDULE")
            const label = findChild(view, "columnHeader:LABEL")
            mouseClick(schedule)
            mouseClick(label, 5, 5, Qt.LeftButton, Qt.ShiftModifier)
            compare(view.filterModel.sortKeys.length, 2)
            compare(view.filterModel.sortKeys[0].role, TimerListModel.IntervalMsRole)
            compare(view.filterModel.sortKeys[1].role, TimerListModel.LabelRole)
            // Schedules start descending (the longest first); labels ascending.
            tryVerify(() => firstLabel() === "a.hv:1")
            compare(list.itemAtIndex(1).label, "b.hv:2")
            compare(list.itemAtIndex(2).label, "c.hv:3")
            compare(findChild(schedule, "titleText").text, "SCHEDULE ▼1")
            compare(findChild(label, "titleText").text, "LABEL ▲2")
            // Shift+click again flips the second key only.
            mouseClick(label, 5, 5, Qt.LeftButton, Qt.ShiftModifier)
            tryVerify(() => firstLabel() === "b.hv:2")
            compare(list.itemAtIndex(1).label, "a.hv:1")
            // A plain click sorts by that column alone.
            mouseClick(label)
            compare(view.filterModel.sortKeys.length, 1)
            compare(findChild(schedule, "titleText").text, "SCHEDULE")
        }

        function test_pausedSortLastByNextFire() {
            const soon = fixture.startInterval(20000, "soon.hv:1")
            fixture.startInterval(40000, "later.hv:2")
            fixture.startInterval(60000, "latest.hv:3")
            tryCompare(list, "count", 3)
            fixture.pause(soon)
            tryCompare(view.timerModel, "pausedCount", 1)
            const header = findChild(view, "columnHeader:NEXT FIRE")
            mouseClick(header)
            verify(!view.filterModel.descending)
            tryVerify(() => firstLabel() === "later.hv:2")
            tryCompare(list.itemAtIndex(2), "label", "soon.hv:1")
            // Reversed, the paused timer still comes last: it has no next fire.
            mouseClick(header)
            verify(view.filterModel.descending)
            tryVerify(() => firstLabel() === "latest.hv:3")
            tryCompare(list.itemAtIndex(2), "label", "soon.hv:1")
        }

        function test_copySelectedRows() {
            fixture.startInterval(60000, "first.hv:1")
            fixture.startInterval(60000, "second.hv:2")
            fixture.startInterval(60000, "third.hv:3")
            tryCompare(list, "count", 3)
            // Click selects one row, Ctrl+click adds another.
            mouseClick(findChild(rowLabelled("first.hv:1"), "labelText"))
            mouseClick(findChild(rowLabelled("third.hv:3"), "labelText"), 2, 2, Qt.LeftButton, Qt.ControlModifier)
            verify(rowLabelled("first.hv:1").selected)
            verify(!rowLabelled("second.hv:2").selected)
            verify(rowLabelled("third.hv:3").selected)
            list.forceActiveFocus()
            keySequence(StandardKey.Copy)
            let text = clipboardText()
            let lines = text.trim().split("\n")
            compare(lines.length, 3)
            verify(lines[0].startsWith("id,kind,label,mode,state"), lines[0])
            verify(lines[1].indexOf(",interval,first.hv:1,") > 0, lines[1])
            verify(lines[2].indexOf(",interval,third.hv:3,") > 0, lines[2])
            compare(findChild(view, "shownText").text, "3 timers — Copied 2 timers as CSV")
            // Ctrl+A selects every row; Escape clears the selection.
            keyClick(Qt.Key_A, Qt.ControlModifier)
            verify(rowLabelled("second.hv:2").selected)
            keySequence(StandardKey.Copy)
            compare(clipboardText().trim().split("\n").length, 4)
            keyClick(Qt.Key_Escape)
            verify(!rowLabelled("second.hv:2").selected)
            verify(list.activeFocus)
        }

        function test_exportAllAsCsvAndJson() {
            fixture.startInterval(60000, "x.hv:1")
            fixture.startTimeout(60000, "y, with a comma.hv:2")
            tryCompare(list, "count", 2)
            // Export covers every live timer, not only the shown ones.
            findChild(view, "filterField").text = "x.hv"
            tryCompare(list, "count", 1)
            mouseClick(findChild(view, "exportButton"))
            const popup = findChild(view, "exportPopup")
            tryCompare(popup, "opened", true)
            const path = findChild(popup.contentItem, "exportPath")
            verify(path.text.endsWith(".csv"))
            path.text = fixture.tempPath("timers.csv")
            mouseClick(findChild(popup.contentItem, "saveCsvButton"))
            const csv = fixture.readFile(fixture.tempPath("timers.csv")).trim().split("\n")
            compare(csv.length, 3)
            verify(csv[2].indexOf(',timeout,"y, with a comma.hv:2",') > 0, csv[2])
            mouseClick(findChild(popup.contentItem, "saveJsonButton"))
            compare(path.text, fixture.tempPath("timers.json"))
            const json = JSON.parse(fixture.readFile(fixture.tempPath("timers.json")))
            compare(json.length, 2)
            compare(json[0].label, "x.hv:1")
            compare(json[0].kind, "interval")
            compare(json[0].interval_ms, 60000)
            verify(json[0].next_fire_in_ms > 0 && json[0].next_fire_in_ms <= 60000)
            compare(json[1].kind, "timeout")
            // A folder that does not exist: the reason, in red, and no crash.
            path.text = "/nonexistent/folder/t.csv"
            mouseClick(findChild(popup.contentItem, "saveCsvButton"))
            verify(findChild(popup.contentItem, "exportResult").text.indexOf("cannot write") >= 0)
            mouseClick(findChild(popup.contentItem, "copyJsonButton"))
            compare(JSON.parse(clipboardText()).length, 2)
            keyClick(Qt.Key_Escape)
            tryCompare(popup, "opened", false)
        }

        function test_latenessHistogramHover() {
            fixture.startInterval(5, "busy.hv:1")
            const histogram = findChild(view, "latenessHistogram")
            verify(histogram.visible)
            tryVerify(() => histogram.total >= 3, 5000)
            compare(histogram.counts.length, histogram.edges.length + 1)
            verify(findChild(histogram, "histogramValue").text.endsWith(" fires"))
            compare(findChild(histogram, "yAxisMax").text, "" + Math.max.apply(null, histogram.counts))
            // Hover the fullest bucket: its range and count.
            let fullest = 0
            for (let i = 0; i < histogram.counts.length; ++i) {
                if (histogram.counts[i] > histogram.counts[fullest])
                    fullest = i
            }
            const hover = findChild(histogram, "histogramHover")
            const slot = hover.width / histogram.counts.length
            // Enter first, then move onto the bar: hover follows moves.
            mouseMove(hover, 1, 1)
            mouseMove(hover, slot * fullest + slot / 2, hover.height / 2)
            tryCompare(histogram, "hovered", fullest)
            verify(findChild(histogram, "histogramValue").text.indexOf(histogram.rangeText(fullest) + ": ") === 0)
        }
    }
}
