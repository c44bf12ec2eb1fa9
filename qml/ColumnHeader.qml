// A column title that sorts the list by its role; a second click flips the order.
import QtQuick
import Havel.Inspector

Item {
    id: header

    property string text
    //! The TimerListModel role this column sorts by.
    property int role
    property TimerFilterModel filterModel
    property int alignment: Text.AlignLeft

    readonly property bool sorted: filterModel && filterModel.sortKey === role

    objectName: "columnHeader:" + text
    implicitHeight: 30

    Text {
        anchors.fill: parent
        verticalAlignment: Text.AlignVCenter
        horizontalAlignment: header.alignment
        text: header.text + (header.sorted ? (header.filterModel.descending ? " ▼" : " ▲") : "")
        font.pixelSize: 11
        font.letterSpacing: 0.6
        font.weight: Font.DemiBold
        color: header.sorted ? Theme.accent : Theme.muted
        elide: Text.ElideRight
    }
    MouseArea {
        anchors.fill: parent
        cursorShape: Qt.PointingHandCursor
        onClicked: header.filterModel.sortBy(header.role)
    }
}
