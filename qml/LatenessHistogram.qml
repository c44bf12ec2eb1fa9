// How late timers fire: a histogram of lateness over the sparkline's 12 s, with axes (the
// buckets' edges below, the count of the fullest bucket at the top) and each bucket's range
// and count on hover. Log-spaced buckets: 100 µs and 300 ms of lateness both show.
import QtQuick
import "Format.js" as Format

Rectangle {
    id: histogram

    //! Samples per bucket (TimerListModel::latenessBuckets).
    property var counts: []
    //! The upper edges of all buckets but the last, ms (TimerListModel::latenessBucketEdgesMs).
    property var edges: []

    readonly property int total: counts.reduce((a, b) => a + b, 0)
    readonly property int most: counts.length ? Math.max.apply(null, counts) : 0
    //! The bucket under the pointer, or -1.
    property int hovered: -1

    //! "1–3 ms", "< 100 µs", "≥ 1.0 s" for bucket @p i.
    function rangeText(i) {
        if (i === 0)
            return "< " + Format.duration(edges[0])
        if (i >= edges.length)
            return "≥ " + Format.duration(edges[edges.length - 1])
        return Format.duration(edges[i - 1]) + " – " + Format.duration(edges[i])
    }
    //! A short tick label for the edge @p ms: "100µ", "1m", "1s".
    function tickText(ms) {
        return ms < 1 ? Math.round(ms * 1000) + "µ" : ms < 1000 ? ms + "m" : (ms / 1000) + "s"
    }

    implicitWidth: 240
    implicitHeight: 64
    radius: 8
    color: Theme.card
    border.color: Theme.border

    Text {
        id: caption
        x: 12
        y: 7
        text: "SPREAD"
        font.pixelSize: 11
        font.letterSpacing: 0.8
        font.weight: Font.DemiBold
        color: Theme.muted
    }
    Text {
        objectName: "histogramValue"
        anchors.right: parent.right
        anchors.rightMargin: 12
        y: 7
        width: parent.width - caption.width - 36
        horizontalAlignment: Text.AlignRight
        elide: Text.ElideLeft
        // The hovered bucket, else the y axis's top: the fullest bucket's count.
        text: histogram.hovered >= 0
              ? histogram.rangeText(histogram.hovered) + ": " + Format.count(histogram.counts[histogram.hovered])
                + (histogram.counts[histogram.hovered] === 1 ? " fire" : " fires")
              : histogram.total > 0 ? Format.count(histogram.total) + " fires" : "no fires"
        font.pixelSize: 11
        font.family: Theme.monoFamily
        color: Theme.text
    }

    Item {
        id: plotArea
        anchors.fill: parent
        anchors.topMargin: caption.y + caption.height + 3
        anchors.leftMargin: 12 + yAxisLabel.width
        anchors.rightMargin: 12
        anchors.bottomMargin: 13

        // The x axis.
        Rectangle {
            anchors.bottom: parent.bottom
            width: parent.width
            height: 1
            color: Theme.muted
        }
        // The y axis, with the fullest bucket's count at its top.
        Rectangle {
            height: parent.height
            width: 1
            color: Theme.muted
        }
        Text {
            id: yAxisLabel
            objectName: "yAxisMax"
            x: -width - 2
            y: -2
            text: histogram.most > 0 ? Format.count(histogram.most) : ""
            font.pixelSize: 9
            color: Theme.muted
        }
        Repeater {
            model: histogram.counts.length
            delegate: Rectangle {
                required property int index
                readonly property real slot: plotArea.width / Math.max(1, histogram.counts.length)
                objectName: "bar" + index
                x: index * slot + 2
                width: slot - 3
                height: histogram.most > 0 ? Math.max(histogram.counts[index] > 0 ? 1 : 0,
                                                      (plotArea.height - 1) * histogram.counts[index] / histogram.most)
                                           : 0
                anchors.bottom: parent.bottom
                anchors.bottomMargin: 1
                // Lateness past 10 ms is trouble a user can feel.
                color: histogram.hovered === index ? Theme.focus
                     : index >= 5 ? Theme.error : index >= 4 ? Theme.paused : Theme.accent
                opacity: histogram.hovered === index ? 1 : 0.8
            }
        }
        // Tick labels at every other edge, under the x axis.
        Repeater {
            model: histogram.edges.length
            delegate: Text {
                required property int index
                visible: index % 2 === 0
                x: (index + 1) * plotArea.width / Math.max(1, histogram.counts.length) - width / 2
                y: plotArea.height + 1
                text: histogram.tickText(histogram.edges[index])
                font.pixelSize: 9
                color: Theme.muted
            }
        }
        MouseArea {
            objectName: "histogramHover"
            anchors.fill: parent
            hoverEnabled: true
            onPositionChanged: (mouse) => {
                const n = histogram.counts.length
                histogram.hovered = n ? Math.min(n - 1, Math.max(0, Math.floor(mouse.x * n / width))) : -1
            }
            onExited: histogram.hovered = -1
        }
    }
}
