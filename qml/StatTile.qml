// One figure of the header: a big number over a caption.
import QtQuick

Rectangle {
    id: tile

    property string caption
    property string value
    property string detail
    property color valueColor: Theme.text

    implicitWidth: Math.max(112, column.implicitWidth + 28)
    implicitHeight: 64
    radius: 8
    color: Theme.card
    border.color: Theme.border

    Column {
        id: column
        anchors.left: parent.left
        anchors.leftMargin: 14
        anchors.verticalCenter: parent.verticalCenter
        spacing: 1

        Text {
            text: tile.caption.toUpperCase()
            font.pixelSize: 11
            font.letterSpacing: 0.8
            font.weight: Font.DemiBold
            color: Theme.muted
        }
        Text {
            objectName: "statValue"
            text: tile.value
            font.pixelSize: 24
            font.weight: Font.Bold
            color: tile.valueColor
        }
        Text {
            visible: tile.detail.length > 0
            text: tile.detail
            font.pixelSize: 11
            color: Theme.muted
        }
    }
}
