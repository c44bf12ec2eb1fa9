// TimerRow, the delegate: it shows the raw role values formatted, highlights failing timers,
// and its buttons call into the model.
import QtQuick
import QtTest
import Havel.Inspector

Item {
    id: root
    width: 1280
    height: 200

    Component {
        id: rowComponent
        TimerRow {
            width: root.width
        }
    }

    TestCase {
        name: "TimerRow"
        when: windowShown

        function init() {
            fixture.reset()
        }

        //! A row with plain defaults, overridden by @p props.
        function makeRow(props) {
            const values = {
                index: 0, timerId: 7, kind: TimerListModel.Interval, label: "a.hv:1",
                intervalMs: 250, timerState: TimerListModel.Active, nextDueMs: 1000,
                remainingMs: 0, fireCount: 0, firesPerSecond: 0, skippedTicks: 0,
                errorCount: 0, lastError: "", lastLatenessMs: 0, maxLatenessMs: 0,
                lastCallbackMs: 0, maxCallbackMs: 0, pauseReasons: 0, mode: "",
                groupSize: 0, groupPaused: 0, expanded: false, inGroup: false,
                now: 900, timerModel: fixture.timerModel
            }
            for (const key in props)
                values[key] = props[key]
            const row = createTemporaryObject(rowComponent, root, values)
            verify(row)
            return row
        }

        //! The item named by a path of object names, such as "latenessCell/lastText".
        function child(row, path) {
            let item = row
            for (const name of path.split("/")) {
                item = findChild(item, name)
                verify(item, "no " + path)
            }
            return item
        }

        function test_display_data() {
            const thin = "\u2009"
            return [
                { tag: "interval", props: {},
                  texts: { idText: "#7", labelText: "a.hv:1", scheduleText: "every 250 ms",
                           stateText: "Active", "countdown/countdownText": "in 100 ms",
                           pauseButton: "Pause", "latenessCell/lastText": "–" } },
                { tag: "timeout", props: { kind: TimerListModel.Timeout, intervalMs: 5000,
                                           nextDueMs: 3400, now: 1000 },
                  texts: { scheduleText: "once · 5.0 s", "countdown/countdownText": "in 2.4 s" } },
                { tag: "just due", props: { nextDueMs: 1000, now: 1200 },
                  texts: { "countdown/countdownText": "due now" } },
                { tag: "overdue", props: { nextDueMs: 1000, now: 11200 },
                  texts: { "countdown/countdownText": "overdue 10.2 s" } },
                { tag: "running", props: { kind: TimerListModel.Timeout, fireCount: 1,
                                           nextDueMs: 1000, now: 11200 },
                  texts: { "countdown/countdownText": "running callback" } },
                { tag: "paused by mode", props: { timerState: TimerListModel.Paused, remainingMs: 1500,
                                                  pauseReasons: 2, mode: "gaming" },
                  texts: { stateText: "Paused", modeText: "gaming",
                           "countdown/countdownText": "paused · mode gaming",
                           pauseButton: "Pause" } },
                { tag: "paused by user and mode", props: { timerState: TimerListModel.Paused,
                                                           remainingMs: 1500, pauseReasons: 3,
                                                           mode: "gaming" },
                  texts: { "countdown/countdownText": "paused · user, mode gaming",
                           pauseButton: "Resume" } },
                { tag: "paused", props: { timerState: TimerListModel.Paused, remainingMs: 1500,
                                          intervalMs: 2000, pauseReasons: 1 },
                  texts: { stateText: "Paused", "countdown/countdownText": "paused · 1.5 s",
                           pauseButton: "Resume" } },
                { tag: "counts", props: { fireCount: 1234567, firesPerSecond: 4.24,
                                          skippedTicks: 3, errorCount: 12 },
                  texts: { firesText: "1" + thin + "234" + thin + "567", rateText: "4.2",
                           skippedText: "3", errorsText: "12" } },
                { tag: "fast", props: { firesPerSecond: 1234.4 },
                  texts: { rateText: "1" + thin + "234" } },
                { tag: "timings", props: { fireCount: 3, lastLatenessMs: 0.25, maxLatenessMs: 12.5,
                                           lastCallbackMs: 1500, maxCallbackMs: 2500 },
                  texts: { "latenessCell/lastText": "250 µs", "latenessCell/maxText": "max 12.5 ms",
                           "callbackCell/lastText": "1.5 s", "callbackCell/maxText": "max 2.5 s" } },
                { tag: "unlabelled", props: { label: "" }, texts: { labelText: "(no label)" } },
            ]
        }

        function test_display(data) {
            const row = makeRow(data.props)
            for (const path in data.texts)
                compare(child(row, path).text, data.texts[path], path)
        }

        function test_countdownProgress_data() {
            return [
                { tag: "just fired", props: { nextDueMs: 1250, now: 1000 }, progress: 0 },
                { tag: "halfway", props: { nextDueMs: 1125, now: 1000 }, progress: 0.5 },
                { tag: "due", props: { nextDueMs: 1000, now: 1000 }, progress: 1 },
                { tag: "paused", props: { timerState: TimerListModel.Paused, remainingMs: 50 },
                  progress: 0.8 },
            ]
        }

        function test_countdownProgress(data) {
            const row = makeRow(data.props)
            fuzzyCompare(child(row, "countdown").progress, data.progress, 1e-9)
        }

        function test_overdueIsRed() {
            const late = makeRow({ nextDueMs: 1000, now: 11200 })
            verify(late.overdue)
            verify(Qt.colorEqual(child(late, "countdown/countdownText").color, Theme.error))
            const onTime = makeRow({ nextDueMs: 1000, now: 1100, y: 60 })
            verify(!onTime.overdue)
            verify(!Qt.colorEqual(child(onTime, "countdown/countdownText").color, Theme.error))
        }

        //! The clock's next tick is the next moment the row looks different.
        function test_msUntilChange_data() {
            return [
                { tag: "paused", props: { timerState: TimerListModel.Paused }, t: 0, min: Infinity, max: Infinity },
                { tag: "hourly, far", props: { intervalMs: 3600000, nextDueMs: 3000000 }, t: 0, min: 1, max: 60001 },
                { tag: "10 h timeout", props: { kind: TimerListModel.Timeout, intervalMs: 36000000,
                                                nextDueMs: 36000000 }, t: 0, min: 1, max: 60001 },
                { tag: "fast", props: { intervalMs: 50, nextDueMs: 30 }, t: 0, min: 1, max: 17 },
                { tag: "due", props: { nextDueMs: 1000 }, t: 1100, min: 149, max: 151 },
            ]
        }

        function test_msUntilChange(data) {
            const row = makeRow(data.props)
            const wait = row.msUntilChange(data.t)
            verify(wait >= data.min && wait <= data.max, data.tag + ": " + wait)
        }

        function test_failingRowStandsOut() {
            const healthy = makeRow({})
            const failing = makeRow({ errorCount: 2, lastError: "kaput", y: 60 })
            verify(!Qt.colorEqual(healthy.color, Theme.errorRow))
            verify(Qt.colorEqual(failing.color, Theme.errorRow))
            compare(failing.tooltipText, "Last error (2 in all): kaput")
            mouseMove(failing, failing.width / 3, failing.height / 2)
            tryVerify(() => failing.showsTooltip, 2000)
            const tip = findChild(failing, "errorTip")
            verify(tip)
            tryVerify(() => tip.opened, 2000)
            compare(tip.text, failing.tooltipText)
            mouseMove(healthy, healthy.width / 3, healthy.height / 2)
            tryVerify(() => !failing.showsTooltip, 2000)
        }

        function test_buttonsCallIntoTheModel() {
            const id = fixture.startInterval(60000, "buttons.hv:1")
            const row = makeRow({ timerId: id })

            mouseClick(child(row, "pauseButton"))
            tryVerify(() => fixture.isPaused(id))

            // The list would feed the new state back; this lone row gets it by hand.
            row.timerState = TimerListModel.Paused
            row.pauseReasons = TimerListModel.PausedByUser
            compare(child(row, "pauseButton").text, "Resume")
            mouseClick(child(row, "pauseButton"))
            tryVerify(() => !fixture.isPaused(id))
            verify(fixture.isLive(id))

            mouseClick(child(row, "stopButton"))
            tryVerify(() => !fixture.isLive(id))
        }

        function test_groupRow() {
            // A group of five, two of them paused: the arrow, the count, "2 paused", and
            // actions that go to the view (which applies them to every member) rather than
            // to the group's first id.
            const id = fixture.startInterval(60000, "group.hv:4")
            const row = makeRow({ timerId: id, label: "group.hv:4", groupSize: 5, groupPaused: 2 })
            verify(row.isGroup)
            compare(child(row, "idText").text, "▸")
            compare(child(row, "groupCountText").text, "×5")
            compare(child(row, "stateText").text, "2 paused")
            compare(child(row, "pauseButton").text, "Pause")
            let pauses = []
            let stops = 0
            let toggles = 0
            row.pauseGroupRequested.connect((pause) => pauses.push(pause))
            row.stopGroupRequested.connect(() => ++stops)
            row.toggleExpanded.connect(() => ++toggles)
            mouseClick(child(row, "pauseButton"))
            mouseClick(child(row, "stopButton"))
            mouseClick(child(row, "expander"))
            compare(pauses, [true])
            compare(stops, 1)
            compare(toggles, 1)
            verify(fixture.isLive(id) && !fixture.isPaused(id))
            // Every member paused by the user: Resume; expanded: the arrow turns.
            row.groupPaused = 5
            row.timerState = TimerListModel.Paused
            row.pauseReasons = TimerListModel.PausedByUser
            row.expanded = true
            compare(child(row, "stateText").text, "Paused")
            compare(child(row, "pauseButton").text, "Resume")
            compare(child(row, "idText").text, "▾")
            // A member of an expanded group is an ordinary row, indented.
            const member = makeRow({ timerId: id, label: "group.hv:4", inGroup: true, y: 60 })
            verify(!member.isGroup)
            compare(child(member, "idText").text, "#" + id)
            verify(child(member, "labelText").leftPadding > 0)
        }
    }
}
