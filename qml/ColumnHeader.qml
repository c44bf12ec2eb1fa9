// A column title that sorts the list by its role: a click sorts by this column alone (again
// to flip it), a Shift+click adds it as the next sort key (again to flip that key). With
// several keys each sorted title shows its place: "FIRES ▼1", "LABEL ▲2".
import QtQuick
import Havel.Inspector

Item {
    id: header

    property string text
    //! The TimerListModel role this column sorts by.
    property int role
    property TimerFilterModel filterModel
    property int alignment: Text.AlignLeft

    //! This column's place among the sort keys (0-based), or -1.
    readonly property int keyIndex: {
        const keys = filterModel ? filterModel.sortKeys : []
        for (let i = 0; i < keys.length; ++i) {
            if (keys[i].role === role)
                return i
        }
        return -1
    }
    readonly property bool sorted: keyIndex >= 0
    readonly property bool keyDescending: sorted && filterModel.sortKeys[keyIndex].descending

    objectName: "columnHeader:" + text
    implicitHeight: 30

    Text {
        objectName: "titleText"
        anchors.fill: parent
        verticalAlignment: Text.AlignVCenter
        horizontalAlignment: header.alignment
        text: header.text + (header.sorted
                             ? (header.keyDescending ? " ▼" : " ▲")
                               + (header.filterModel.sortKeys.length > 1 ? (header.keyIndex + 1) : "")
                             : "")
        font.pixelSize: 11
        font.letterSpacing: 0.6
        font.weight: Font.DemiBold
        color: header.sorted ? Theme.accent : Theme.muted
        elide: Text.ElideRight
    }
    MouseArea {
        anchors.fill: parent
        cursorShape: Qt.PointingHandCursor
        onClicked: (mouse) => {
            if (mouse.modifiers & Qt.ShiftModifier)
                header.filterModel.addSortKey(header.role)
            else
                header.filterModel.sortBy(header.role)
        }
    }
}
