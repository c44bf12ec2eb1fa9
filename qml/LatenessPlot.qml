// A sparkline of recent lateness: per poll, the worst lateness among the timers that fired.
import QtQuick
import "Format.js" as Format

Rectangle {
    id: plot

    //! Lateness samples in ms, oldest first (TimerListModel::latenessHistory).
    property var values: []
    //! How many samples the full width shows.
    property int capacity: 120

    readonly property real peak: values.length ? Math.max.apply(null, values) : 0
    readonly property real latest: values.length ? values[values.length - 1] : 0

    implicitWidth: 300
    implicitHeight: 64
    radius: 8
    color: Theme.card
    border.color: Theme.border

    onValuesChanged: canvas.requestPaint()

    Text {
        id: caption
        x: 12
        y: 7
        text: "LATENESS"
        font.pixelSize: 11
        font.letterSpacing: 0.8
        font.weight: Font.DemiBold
        color: Theme.muted
    }
    Text {
        objectName: "latenessPeak"
        anchors.right: parent.right
        anchors.rightMargin: 12
        y: 7
        width: parent.width - caption.width - 32
        horizontalAlignment: Text.AlignRight
        elide: Text.ElideLeft
        text: "12 s · peak " + Format.duration(plot.peak)
        font.pixelSize: 11
        font.family: Theme.monoFamily
        color: Theme.text
    }
    Canvas {
        id: canvas
        anchors.fill: parent
        anchors.topMargin: caption.y + caption.height + 4
        anchors.leftMargin: 12
        anchors.rightMargin: 12
        anchors.bottomMargin: 8

        onPaint: {
            const ctx = getContext("2d")
            ctx.reset()
            const v = plot.values
            // At least 1 ms of scale, so idle jitter of a few µs stays a flat line.
            const top = Math.max(1, plot.peak)
            const step = width / Math.max(1, plot.capacity - 1)
            const x0 = width - (v.length - 1) * step
            ctx.strokeStyle = Theme.border
            ctx.lineWidth = 1
            ctx.beginPath()
            ctx.moveTo(0, height - 0.5)
            ctx.lineTo(width, height - 0.5)
            ctx.stroke()
            if (v.length < 2)
                return
            ctx.beginPath()
            ctx.moveTo(x0, height)
            for (let i = 0; i < v.length; ++i)
                ctx.lineTo(x0 + i * step, height - (v[i] / top) * (height - 1))
            ctx.lineTo(width, height)
            ctx.closePath()
            ctx.fillStyle = Qt.rgba(0.15, 0.39, 0.92, 0.16)
            ctx.fill()
            ctx.beginPath()
            for (let j = 0; j < v.length; ++j) {
                const y = height - (v[j] / top) * (height - 1)
                if (j === 0)
                    ctx.moveTo(x0, y)
                else
                    ctx.lineTo(x0 + j * step, y)
            }
            ctx.strokeStyle = Theme.accent
            ctx.lineWidth = 1.5
            ctx.stroke()
        }
    }
}
