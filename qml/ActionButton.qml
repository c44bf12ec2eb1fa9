// A compact flat button for the row actions and the toolbar, in the inspector's palette.
import QtQuick
import QtQuick.Controls.Basic

Button {
    id: control

    property color tint: Theme.accent
    //! Filled with the tint, for the one action that should stand out.
    property bool filled: false

    implicitHeight: 26
    leftPadding: 10
    rightPadding: 10
    font.pixelSize: 12
    font.weight: Font.DemiBold
    hoverEnabled: true

    contentItem: Text {
        text: control.text
        font: control.font
        color: control.filled ? (Theme.dark ? Theme.background : "white") : control.tint
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        elide: Text.ElideRight
    }
    background: Rectangle {
        radius: 5
        color: control.filled ? (control.down ? Qt.darker(control.tint, 1.2)
                                              : control.hovered ? Qt.lighter(control.tint, 1.1)
                                                                : control.tint)
             : control.down ? Qt.darker(Theme.card, 1.12)
                            : control.hovered ? Qt.rgba(control.tint.r, control.tint.g,
                                                        control.tint.b, 0.10)
                                              : Theme.card
        // A visible focus ring for keyboard users (Tab lands here).
        border.color: control.visualFocus ? Theme.focus
                                          : Qt.rgba(control.tint.r, control.tint.g, control.tint.b, 0.45)
        border.width: control.visualFocus ? 2 : 1
    }
}
